"""No ORM row crosses into the console as a value.

`test_layers` proves that `console/` imports no model module; this proves the other half: nothing
the console calls hands it a tortoise Model (or a QuerySet) either. Every name `console/` imports
from `core` or `printers` (and every attribute it reads off an imported module) is followed through
its type hints: a function's return, a class's public methods and properties, a dataclass's
fields, and into Optional, unions, lists, tuples, dicts, awaitables and iterators. The Backend
Protocol the App receives is checked the same way.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tortoise.models import Model
from tortoise.queryset import QuerySet, QuerySetSingle

ROOT = Path(__file__).resolve().parents[2]
OURS = ("core", "printers")
ORM = (Model, QuerySet, QuerySetSingle)


def _ours(module: str) -> bool:
    return module.split(".")[0] in OURS


def _used_by_console() -> dict[str, tuple[Any, str]]:
    """Qualified name → (object, first place in console/ that names it)."""
    used: dict[str, tuple[Any, str]] = {}

    def note(name: str, obj: Any, where: str) -> None:
        if not inspect.ismodule(obj):
            used.setdefault(name, (obj, where))

    for path in sorted((ROOT / "console").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        rel = str(path.relative_to(ROOT))
        modules: dict[str, types.ModuleType] = {}  # local name → one of our modules
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if not _ours(node.module):
                    continue
                source = importlib.import_module(node.module)
                for alias in node.names:
                    obj = getattr(source, alias.name, None)
                    if obj is None:  # a submodule not yet imported by its package
                        obj = importlib.import_module(f"{node.module}.{alias.name}")
                    if inspect.ismodule(obj):
                        modules[alias.asname or alias.name] = obj
                    note(f"{node.module}.{alias.name}", obj, f"{rel}:{node.lineno}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if _ours(alias.name):
                        importlib.import_module(alias.name)
                        top = alias.name.split(".")[0]
                        modules[alias.asname or top] = importlib.import_module(
                            alias.name if alias.asname else top
                        )
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
            ):
                module = modules[node.value.id]
                obj = getattr(module, node.attr)
                note(f"{module.__name__}.{node.attr}", obj, f"{rel}:{node.lineno}")
    backend = importlib.import_module("console.backend")
    used["console.backend.Backend"] = (backend.Backend, "console/backend.py")
    return used


def _namespace(module_name: str) -> dict[str, Any]:
    """A module's globals plus what it imports only under TYPE_CHECKING (its hints name them)."""
    module = importlib.import_module(module_name)
    names = dict(vars(module))
    tree = ast.parse(inspect.getsource(module))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            block = ast.Module(body=list(node.body), type_ignores=[])
            exec(compile(block, module.__name__, "exec"), names)  # imports only
    return names


def _hints(obj: Any) -> dict[str, Any]:
    module = getattr(obj, "__module__", "") or ""
    return typing.get_type_hints(obj, globalns=_namespace(module) if module else None)


def _inner(hint: Any) -> Iterator[Any]:
    """The types a hint is made of: X of Optional[X], list[X], dict[K, V], Awaitable[X] …"""
    yield hint
    for arg in typing.get_args(hint):
        if isinstance(arg, list):  # Callable[[A, B], R]
            for a in arg:
                yield from _inner(a)
        elif arg is not Ellipsis:
            yield from _inner(arg)


def _is_orm(t: Any) -> bool:
    origin = typing.get_origin(t) or t
    return inspect.isclass(origin) and any(base in ORM for base in origin.__mro__)


def _members(cls: type) -> Iterator[tuple[str, Callable[..., Any] | None, Any]]:
    """(name, callable or None, hint) for what a class of ours shows: fields, properties, methods."""
    if (
        dataclasses.is_dataclass(cls)
        or getattr(cls, "_is_protocol", False)
        or _ours(cls.__module__)
    ):
        try:
            fields = _hints(cls)
        except Exception as error:  # an unresolvable hint would hide a row: say so
            yield "<fields>", None, error
            fields = {}
        for name, hint in fields.items():
            if not name.startswith("_"):
                yield name, None, hint
    for name, member in inspect.getmembers(cls):
        func = member.fget if isinstance(member, property) else member
        func = getattr(func, "__func__", func)  # a classmethod, bound to the class
        # methods of ours (and the Backend Protocol's), not those a base from a library brings
        if not name.startswith("_") and inspect.isfunction(func):
            if _ours(func.__module__) or func.__module__ == "console.backend":
                yield name, func, None


def offenders() -> list[str]:
    """Every path from a name the console uses to an ORM type, as `where: a.b() -> Row`."""
    found: list[str] = []
    seen: set[Any] = set()

    def follow(label: str, hint: Any, where: str) -> None:
        for t in _inner(hint):
            if _is_orm(t):
                found.append(f"{where}: {label} -> {getattr(t, '__name__', t)}")
            elif inspect.isclass(t) and _ours(t.__module__):
                visit(t, label, where)

    def visit(obj: Any, label: str, where: str) -> None:
        if obj in seen:
            return
        seen.add(obj)
        if inspect.isclass(obj):
            if _is_orm(obj):
                found.append(f"{where}: {label} is {obj.__name__}")
                return
            for name, func, hint in _members(obj):
                if isinstance(hint, Exception):
                    found.append(f"{where}: {label} fields unresolved ({hint!r})")
                elif func is None:
                    follow(f"{label}.{name}", hint, where)
                else:
                    visit(func, f"{label}.{name}()", where)
        elif inspect.isfunction(obj):
            try:
                hint = _hints(obj).get("return", Any)
            except Exception as error:
                found.append(f"{where}: {label} return unresolved ({error!r})")
                return
            follow(label, hint, where)

    for name, (obj, where) in sorted(_used_by_console().items()):
        visit(obj, name, where)
    return sorted(set(found))


def test_nothing_the_console_calls_returns_an_orm_row():
    rows = offenders()
    assert rows == [], "the console must get views from core, not ORM rows:\n" + "\n".join(rows)
