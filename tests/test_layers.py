"""The layers of the code, read from its imports (those inside functions too): each imports only from the
layers below it, nothing imports in a circle, and neither the back end nor the reports import Streamlit.

The layers, lowest first (docs/developers.md says what each holds). A module may import any module of its
own layer or of a layer below; within a layer, the imports must still not form a circle.
"""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = (
    ("pipelines.core",),  # config, problems, text, values, deadlines, logs, words: imports nothing of ours
    ("pipelines.plan",),  # the notice and its attachment into tables: tasks, units, catalogue, discrepancies
    ("pipelines.workbooks",),  # a unit's workbook: template, read, scan, check, online entry
    ("pipelines.warehouse",),  # DuckDB: connection, the writers' lock, schema and SQL, the plan's load, status
    ("pipelines.schools",),  # the school workbook, the criteria and the acceptances' judgments
    ("pipelines.planning",),  # the path to pass the acceptances: projections, planned changes, the cheapest plan
    ("pipelines.records",),  # the archive's log applied to a connection: review, evidence, rulings, demo state
    ("pipelines.imports",),  # a unit's own statistics export read into the standard workbook
    ("pipelines.operations",),  # each writer: the lock, tidy, catch up, act
    ("reports",),  # the deck, the Word and Excel reports, charts, PNGs and their queries: no Streamlit
    ("pipelines.cli", "pipelines.__main__"),  # the command line
    ("dashboard",),  # Streamlit: shared widgets and each page's parts
    ("pages", "app", "serve"),  # the app's entry, its pages, and the service's entry (app.py behind the session gate)
)
PACKAGES = ("pipelines", "reports", "dashboard", "pages")
NO_STREAMLIT = ("pipelines", "reports")


def modules() -> dict[str, Path]:
    found = {"app": ROOT / "app.py", "serve": ROOT / "serve.py"}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imported(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project's modules this module imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                prefix = ".".join(base[: len(base) - node.level + 1] + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            targets = [prefix, *(f"{prefix}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and target not in PACKAGES:
                found.add(target)
    return found


def layer_of(name: str) -> int | None:
    for number, prefixes in enumerate(LAYERS):
        if any(name == p or name.startswith(p + ".") for p in prefixes):
            return number
    return 0 if name in PACKAGES else None


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imported(name, path, known) for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, on, stack, found, counter = {}, {}, set(), [], [], [0]
    sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


@pytest.fixture(scope="module")
def edges() -> dict[str, set[str]]:
    return graph()


def test_every_module_is_in_a_layer(edges):
    assert [m for m in edges if layer_of(m) is None] == []


def test_no_import_cycles(edges):
    assert cycles(edges) == []


def test_each_layer_imports_only_from_below(edges):
    upward = sorted(f"{m} ({LAYERS[layer_of(m)][0]}) imports {t} ({LAYERS[layer_of(t)][0]})"
                    for m, targets in edges.items() for t in targets if layer_of(t) > layer_of(m))
    assert upward == []


def test_the_back_end_and_the_reports_do_not_import_streamlit():
    said = []
    for name, path in modules().items():
        if name.split(".")[0] not in NO_STREAMLIT:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            said += [f"{name} imports {n}" for n in names if n.split(".")[0] == "streamlit"]
    assert said == []


def test_the_checker_sees_a_cycle_and_an_upward_import():
    """The checks above can fail: a made-up graph with a circle and an upward import is caught."""
    made_up = {"pipelines.core.a": {"pipelines.core.b"}, "pipelines.core.b": {"pipelines.core.a"},
               "pipelines.warehouse.c": {"dashboard.d"}, "dashboard.d": set()}
    assert cycles(made_up) == [["pipelines.core.a", "pipelines.core.b"]]
    assert layer_of("dashboard.d") > layer_of("pipelines.warehouse.c")


def test_the_layers_count(edges):
    """Thirteen layers, every one holding code (a layer left empty is a layer to remove from the list)."""
    used = {layer_of(m) for m in edges}
    assert used == set(range(len(LAYERS))) and len(LAYERS) == 13
