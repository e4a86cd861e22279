"""The rooms of app/ import only downward (CONTRIBUTING.md, "Where code lives").

Read from the source, lazy imports inside functions included, so a rule cannot be
broken by importing late.
"""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"

# The leaves: small modules every room may use; they use only each other.
LEAVES = {"app.addresses", "app.errors", "app.export", "app.models", "app.paths", "app.settings",
          "app.templates"}
# Each room and the rooms it may import besides the leaves and itself.
ROOMS = {
    "app.store": set(),
    "app.remote": set(),
    "app.live": set(),
    "app.runtime": {"app.store", "app.remote"},
    "app.jobs": {"app.store", "app.remote", "app.runtime", "app.live"},
    "app.cli": {"app.store", "app.remote", "app.runtime", "app.jobs", "app.live"},
    "app.gui": {"app.store", "app.remote", "app.runtime", "app.jobs", "app.live"},
    "app.api": {"app.store", "app.remote", "app.runtime", "app.jobs", "app.live"},
}
# The doors between front ends: `earmark` with no command opens the window;
# `earmark serve --api` and `earmark api-key` start the local API and print its key.
DOORS = {("app.cli", "app.gui.app"), ("app.cli", "app.api")}


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def room_of(name: str) -> str:
    if name in LEAVES or name in {"app", "app.__main__"}:
        return name
    for room in ROOMS:
        if name == room or name.startswith(room + "."):
            return room
    raise AssertionError(f"{name} is in no room: add it to a package or to LEAVES in this test")


def imported(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from app.jobs import service` names the module app.jobs.service
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def app_target(name: str) -> str | None:
    """The app module an import refers to (the longest existing prefix), or None."""
    if name.split(".")[0] != "app":
        return None
    parts = name.split(".")
    while parts:
        candidate = APP.parent.joinpath(*parts)
        if candidate.with_suffix(".py").is_file() or (candidate / "__init__.py").is_file():
            return ".".join(parts)
        parts.pop()
    return None


def broken_rules() -> list[str]:
    broken = []
    for path in sorted(APP.rglob("*.py")):
        source = module_name(path)
        here = room_of(source)
        for name in imported(path):
            target = app_target(name)
            if target is None or target == "app":
                continue
            there = room_of(target)
            allowed = (here == "app.__main__" or there in LEAVES or there == here
                       or there in ROOMS.get(here, set())
                       or any(here == a and target.startswith(b) for a, b in DOORS))
            if not allowed:
                broken.append(f"{source} imports {target}")
    return broken


def test_every_module_is_in_a_room():
    for path in APP.rglob("*.py"):
        room_of(module_name(path))


def test_rooms_import_only_downward():
    assert broken_rules() == []


def test_the_rule_check_sees_a_lazy_upward_import(tmp_path, monkeypatch):
    """The checker itself: a store module importing the job service inside a function is caught."""
    fake_app = tmp_path / "app"
    for room in ("store", "jobs"):
        (fake_app / room).mkdir(parents=True)
        (fake_app / room / "__init__.py").write_text("")
    (fake_app / "__init__.py").write_text("")
    (fake_app / "jobs" / "service.py").write_text("")
    (fake_app / "store" / "jobstore.py").write_text("def f():\n    from app.jobs import service\n")
    monkeypatch.setattr(f"{__name__}.APP", fake_app)
    assert broken_rules() == ["app.store.jobstore imports app.jobs.service"]


def circles(package: Path) -> list[list[str]]:
    """Groups of modules of *package* that import each other round a circle (lazy imports
    included): each group is a strongly connected part of the import graph."""
    root = package.parent
    modules = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    def module_of(name: str) -> str | None:  # `from a.b import c`: the module a.b.c, else a.b
        parts = name.split(".")
        while parts and ".".join(parts) not in modules:
            parts.pop()
        return ".".join(parts) or None

    graph = {name: {t for t in map(module_of, imported(path)) if t and t != name and not name.startswith(t + ".")}
             for name, path in modules.items()}
    order, low, stack, found = {}, {}, [], []

    def visit(name):  # Tarjan's algorithm
        order[name] = low[name] = len(order)
        stack.append(name)
        for target in graph[name]:
            if target not in order:
                visit(target)
                low[name] = min(low[name], low[target])
            elif target in stack:
                low[name] = min(low[name], order[target])
        if low[name] == order[name]:
            group = []
            while not group or group[-1] != name:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for name in sorted(graph):
        if name not in order:
            visit(name)
    return found


def test_no_modules_import_each_other_round_a_circle():
    assert circles(APP) == []
    assert circles(APP.parent / "workers") == []  # llama_cpu and llm share engines/gguf.py instead


def test_every_app_error_for_a_person_is_one_type():
    """The controller and the command line catch AppError and show its sentence."""
    from app.errors import AppError
    from app.models import DownloadError
    from app.remote.access import HelperError
    from app.runtime.broker import BrokerError
    from app.runtime.supervisor import AlreadyRunning, StartError

    for error in (HelperError, BrokerError, AlreadyRunning, StartError, DownloadError):
        assert issubclass(error, AppError), error
        assert str(error("One sentence for a person.")) == "One sentence for a person."
