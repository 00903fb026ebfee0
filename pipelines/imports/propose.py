"""Propose a mapping of an export's sources to the template's fields, by heading similarity.

Each field's recipes (fields.py) are tried against the layout's sources: every group of words must name a
part of a source's path (its row label, its column headings), the statistics system's words being synonyms;
a path part beyond the words matched (在校生数/其中：女 for 在校生数, a 其中 row under the row named) lowers the
score, a reference column (基本值, 达标值, 是否达标) is never a source. The best recipe's sources are proposed with
its score as the confidence; a field with no source scoring settings.PROPOSE_AT is left blank (not in this
file). A saved mapping of another layout seeds the proposal where its sources are still found.
"""

from dataclasses import dataclass

from . import headings as h
from . import settings as s
from .candidate import Candidate
from .candidates import Layout
from .fields import NEAR_SYNONYMS, Field, Part, Recipe


@dataclass
class Rule:
    field: str
    refs: list[str]  # the sources, summed
    convert: str = ""  # settings.CONVERSIONS
    confidence: float | None = None  # None: confirmed by a person
    note: str = ""


def part_score(groups: tuple[tuple[str, ...], ...], cand: Candidate) -> float:
    """How well a source's path says every group of words (0 when one is missing, or a reference column)."""
    if any(h.is_reference(p) for p in cand.cols):
        return 0.0
    lists = (cand.rows, cand.cols)
    matched: tuple[set, set] = (set(), set())
    score = 1.0
    for group in groups:
        best, where = 0.0, None
        for li, parts in enumerate(lists):
            for i, p in enumerate(parts):
                found = h.similarity(p, group) if i not in matched[li] else 0.0
                if found > best:
                    best, where = found, (li, i)
        if where is None or best < s.PROPOSE_AT:
            return 0.0
        matched[where[0]].add(where[1])
        score = min(score, best)
    for li, parts in enumerate(lists):
        deepest = max(matched[li], default=-1)
        for i, p in enumerate(parts):
            if i not in matched[li] and i > deepest and not h.is_neutral(p):
                score *= s.SUB_PART_PENALTY if h.is_sub(p) else s.EXTRA_PART_PENALTY
    return score


def _whole_score(groups, cand: Candidate) -> float:
    if any(h.is_reference(p) for p in cand.cols):
        return 0.0
    return min(h.similarity(cand.text, group) for group in groups)


def _best(part: Part, recipe: Recipe, candidates: list[Candidate], taken: set[str]) -> tuple[float, Candidate | None]:
    best, chosen = 0.0, None
    for cand in candidates:
        if cand.ref in taken:
            continue
        score = _whole_score(part.groups, cand) if recipe.whole else part_score(part.groups, cand)
        if score > best:
            best, chosen = score, cand
    return (best, chosen) if best >= (s.WHOLE_NAME_AT if recipe.whole else s.PROPOSE_AT) else (0.0, None)


def try_recipe(recipe: Recipe, layout: Layout) -> tuple[float, list[Candidate]]:
    """The recipe's score on this layout and the sources of its parts (0 when a needed part is missing)."""
    if recipe.stage and layout.stage and recipe.stage != layout.stage:
        return 0.0, []
    chosen, score, taken = [], 1.0, set()
    for part in recipe.parts:
        found, cand = _best(part, recipe, layout.candidates, taken)
        if cand is None:
            if part.optional:
                continue
            return 0.0, []
        chosen.append(cand)
        taken.add(cand.ref)
        score = min(score, found)
    return score, chosen


def conversion(field: Field, recipe: Recipe, sources: list[Candidate]) -> str:
    """The recipe's conversion, or 元 → 万元 where the school workbook wants 万元 and the source is in 元."""
    units = {c.unit for c in sources}
    if field.column == "equipment_value" and recipe.convert == "" and units == {"元"}:
        return "yuan"
    if recipe.convert == "per_student_yuan" and units == {"万元"}:
        return "per_student"
    return recipe.convert


def propose_field(field: Field, layout: Layout) -> Rule:
    best = (0.0, [], None)
    for recipe in field.recipes:
        score, sources = try_recipe(recipe, layout)
        if score > best[0]:
            best = (score, sources, recipe)
    score, sources, recipe = best
    if not sources:
        return Rule(field.code, [], note="文件中未找到")
    refs = list(dict.fromkeys(c.ref for c in sources))
    note = "相加" if len(refs) > 1 else ""
    caveat = near_synonym(field, sources)
    if caveat:
        score, note = min(score, s.NEAR_SYNONYM_AT), caveat
    return Rule(field.code, refs, conversion(field, recipe, sources), round(score, 2), note)


def near_synonym(field: Field, sources: list[Candidate]) -> str:
    """What differs when a source's words only look like the field's (毕业生数 for 初中毕业班学生数), or ''."""
    name = h.key(field.name)
    for own, other, differs in NEAR_SYNONYMS:
        if own in name and other not in name and any(other in h.key(c.text) for c in sources):
            return differs
    return ""


def propose(fields: list[Field], layout: Layout, seed: dict[str, Rule] | None = None) -> dict[str, Rule]:
    """A rule for every field: the seed's where its sources are still in this layout, else proposed afresh."""
    rules = {}
    for field in fields:
        kept = (seed or {}).get(field.code)
        if kept and kept.refs and all(ref.startswith(s.CONSTANT_PREFIX) or layout.find(ref) for ref in kept.refs):
            refs = [ref if ref.startswith(s.CONSTANT_PREFIX) else layout.find(ref)[0].ref  # as this file writes it
                    for ref in kept.refs]
            rules[field.code] = Rule(field.code, refs, kept.convert, 1.0, "沿用此前确认的对应关系")
        elif kept and not kept.refs:  # confirmed "not in this file": kept so, what a proposal would find only said
            found = propose_field(field, layout)
            rules[field.code] = Rule(field.code, [], note="此前确认文件中没有" + (
                f"（新版式中也许是“{mappings_text(found)}”，可信度 {found.confidence:.2f}：如是，请填入来源）" if found.refs else ""))
        else:
            rules[field.code] = propose_field(field, layout)
    _sure_first(rules)
    return rules


def mappings_text(rule: Rule) -> str:
    return s.SUM_SEPARATOR.join(rule.refs)


def _sure_first(rules: dict[str, Rule]) -> None:
    """A source that names one field exactly is not proposed for another only like it (专任教师数 is 专任教师数,
    not 持证专任教师数)."""
    sure = {ref for r in rules.values() if r.confidence and r.confidence >= s.CONFIRM_BELOW for ref in r.refs}
    for code, rule in rules.items():
        if rule.confidence and rule.confidence < s.CONFIRM_BELOW and set(rule.refs) & sure:
            rules[code] = Rule(code, [], note="文件中未找到")


def nearest(saved: list[dict[str, Rule]], layout: Layout) -> dict[str, Rule] | None:
    """The saved mapping whose sources are most often still found in this layout (None if none is)."""
    def found(rules: dict[str, Rule]) -> int:
        return sum(1 for r in rules.values() if r.refs and all(layout.find(ref) for ref in r.refs))

    scored = [(found(rules), i) for i, rules in enumerate(saved)]
    best = max(scored, default=(0, None))
    return saved[best[1]] if best[0] else None
