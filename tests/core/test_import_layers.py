"""The core services audit, jobs, notifications, settings and the plugin engine import one another in one direction
only (issue 19: each package can be read on its own). Read statically with ast, so that an import hidden inside a
function (the usual way to dodge an import cycle at run time) counts as much as one at the top of a module.

The layers, lowest first: plugins (the engine, change counters) < audit < jobs < settings < notifications. A service
that must show something of a higher one inverts the dependency (e.g. core/jobs/panels.py: notifications registers
its outbox counts on the jobs page)."""

from __future__ import annotations

import ast
from pathlib import Path

from core.paths import PROJECT_ROOT

PACKAGES = ("core.plugins", "core.audit", "core.jobs", "core.settings", "core.notifications")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        folder = PROJECT_ROOT / Path(*package.split("."))
        for path in folder.rglob("*.py"):
            if "tests" in path.relative_to(folder).parts:
                continue
            parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imported_names(path: Path, module: str) -> list[str]:
    """Every module name ``path`` imports, wherever the import stands, ``__import__`` and ``import_module`` of a
    literal name included."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                stem = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(stem + ([node.module] if node.module else []))
            names += [base] + [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            function = node.func
            called = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
            if called in ("__import__", "import_module"):
                names.append(node.args[0].value)
    return names


def _graph() -> dict[str, set[str]]:
    """{module: the modules of PACKAGES it imports}; importing a module imports its packages' __init__ too."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for imported in _imported_names(path, name):
            target = imported
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if not target:
                continue
            chain = target.split(".")
            for size in range(2, len(chain) + 1):  # core.jobs.runner: core.jobs, then core.jobs.runner
                ancestor = ".".join(chain[:size])
                if ancestor in modules and ancestor != name and not name.startswith(ancestor + "."):
                    graph[name].add(ancestor)
    return graph


def _package(module: str) -> str:
    return next(p for p in PACKAGES if module == p or module.startswith(p + "."))


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path (first node repeated at the end), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_the_modules_of_the_core_services_import_one_another_without_a_cycle():
    graph = _graph()
    assert len(graph) > 30  # the walk found the packages' modules
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_core_services_form_layers_each_importing_only_lower_ones():
    packages: dict[str, set[str]] = {p: set() for p in PACKAGES}
    for module, targets in _graph().items():
        packages[_package(module)] |= {_package(t) for t in targets} - {_package(module)}
    assert _cycle(packages) is None, " -> ".join(_cycle(packages) or [])
    rank = {name: index for index, name in enumerate(PACKAGES)}
    upward = sorted((p, t) for p, targets in packages.items() for t in targets if rank[t] > rank[p])
    assert upward == [], f"imports of a higher layer: {upward}"


def test_the_check_sees_an_import_hidden_in_a_function(tmp_path):
    """The walk counts imports inside functions and __import__ calls: the ways cycles are usually hidden."""
    source = tmp_path / "hidden.py"
    source.write_text("def f():\n    from core.jobs.runner import run_job\n\n"
                      "def g():\n    return __import__('core.notifications.outbox')\n", encoding="utf-8")
    names = _imported_names(source, "core.settings.hidden")
    assert "core.jobs.runner" in names and "core.notifications.outbox" in names
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
