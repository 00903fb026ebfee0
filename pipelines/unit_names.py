"""Unit lists as the notice writes them, split and named canonically (docs/design.md, the prefix rule)."""

import re

PREFIXES = ("旗委", "旗")  # longest first: 旗委宣传部 carries 旗委, 旗财政局 carries 旗
# Written as they are and passing no prefix on.
STANDALONE = ("团旗委", "各乡镇苏木街道办")

GROUP_SEPARATORS = re.compile(r"[，,；;\n]+")
ITEM_SEPARATOR = "、"
TRAILING = "。.． \t\u3000"


def split_units(cell: str | None) -> list[str]:
    """Unit names of a cell, each with its prefix, in the order written.

    Groups are split on `，` (and on new lines: a two-line lead cell names two units), units on `、`.
    A unit without a prefix takes the prefix of the nearest prefixed unit before it in its group,
    else `旗`.
    """
    names: list[str] = []
    for group in GROUP_SEPARATORS.split(cell or ""):
        prefix = None
        for item in group.split(ITEM_SEPARATOR):
            name = item.strip().strip(TRAILING)
            if not name:
                continue
            if name in STANDALONE:
                names.append(name)
                continue
            own = next((p for p in PREFIXES if name.startswith(p)), None)
            if own:
                prefix = own
                names.append(name)
            else:
                names.append((prefix or "旗") + name)
    return names


def canonical_names(units: list[dict]) -> dict[str, str]:
    """Map every accepted spelling (canonical name and aliases) to the canonical name."""
    mapping = {}
    for row in units:
        mapping[row["unit"]] = row["unit"]
        for alias in (row.get("aliases") or "").split(";"):
            if alias.strip():
                mapping[alias.strip()] = row["unit"]
    return mapping


def unique(names: list[str]) -> list[str]:
    """Names in first-seen order without repeats."""
    return list(dict.fromkeys(names))
