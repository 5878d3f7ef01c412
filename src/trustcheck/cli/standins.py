"""Typer, imported without the modules it loads for features trustcheck never uses.

`import typer` is most of every command's start-up. At its top it loads `platform`,
`subprocess` and `shutil` (for `typer.launch`, which opens a URL or a file), `uuid` (to read
an option of that type; none of trustcheck's is), `difflib` (for "did you mean" after a
mistyped command) and its shell completion (`typer.completion`, with `shellingham`; trustcheck
turns completion off): together about 7 ms of the 38 ms the import takes here, for code an
ordinary run never reaches. So, while Typer is imported, each of those names a stand-in that
loads the real module the moment anything of it is used (a mistyped command still gets its
"did you mean"), and the stand-ins leave `sys.modules` right after: whatever imports one of
those modules later gets the real one. Only the moment each is loaded changes.
"""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import import_module
from types import ModuleType
from typing import Any


class StandIn(ModuleType):
    """Stands in for a module while another is imported; loads the real one when used."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asking about the module itself
            raise AttributeError(name)
        return getattr(real(self.__name__), name)


def real(name: str) -> ModuleType:
    """The real module `name`, imported now if only its stand-in was there."""
    found = sys.modules.get(name)
    if isinstance(found, StandIn):
        del sys.modules[name]
    return import_module(name)


def _calls_real(module: str, function: str) -> Callable[..., Any]:
    """A function standing in for `module.function` (for `from module import function`)."""

    def stand_in(*args: Any, **kwargs: Any) -> Any:
        return getattr(real(module), function)(*args, **kwargs)

    stand_in.__name__ = stand_in.__qualname__ = function
    stand_in.__doc__ = f"Stands in for `{module}.{function}` (loaded on the first call)."
    return stand_in


class _SameAsTheReal(type):
    """A stand-in class is equal to the real class it stands for, once that is loaded."""

    def __eq__(cls, other: object) -> bool:
        module, name = cls.__module__, cls.__name__
        loaded = sys.modules.get(module)
        return other is cls or (loaded is not None and not isinstance(loaded, StandIn)
                                and other is getattr(loaded, name, None))

    def __hash__(cls) -> int:
        return id(cls)


def _compares_as_real(module: str, name: str) -> type:
    """A class standing in for `module.name` where it is only compared with (Typer compares
    each option's type with `uuid.UUID` to pick how to read it)."""
    return _SameAsTheReal(name, (), {"__module__": module,
                                     "__doc__": f"Stands in for `{module}.{name}`."})


@contextmanager
def standing_in(functions: dict[str, tuple[str, ...]],
                classes: dict[str, tuple[str, ...]] | None = None) -> Iterator[None]:
    """While inside, each module named (that is not loaded yet) is a stand-in; the functions
    (and classes) listed for it are there for a `from module import name`, which would load
    the real module at once."""
    placed = []
    for name, names in functions.items():
        if name not in sys.modules:
            module = StandIn(name, f"A stand-in for {name} (see trustcheck.cli.standins).")
            for function in names:
                setattr(module, function, _calls_real(name, function))
            for class_name in (classes or {}).get(name, ()):
                setattr(module, class_name, _compares_as_real(name, class_name))
            sys.modules[name] = module
            placed.append(name)
    try:
        yield
    finally:
        for name in placed:
            if isinstance(sys.modules.get(name), StandIn):
                del sys.modules[name]


# What Typer imports for what trustcheck never uses; with what it takes by `from ... import`.
TYPER_EXTRAS: dict[str, tuple[str, ...]] = {
    "platform": (),
    "subprocess": (),
    "shutil": ("get_terminal_size",),
    "difflib": ("get_close_matches",),
    "typer.completion": ("get_completion_inspect_parameters",),
    "uuid": (),  # it imports `platform` at its top
}
# Classes Typer takes by `from ... import` and only compares with.
TYPER_CLASSES: dict[str, tuple[str, ...]] = {"uuid": ("UUID",)}


def load_typer() -> None:
    """Import Typer with stand-ins for its extras (nothing to do when it is loaded)."""
    if "typer" in sys.modules:
        return
    with standing_in(TYPER_EXTRAS, TYPER_CLASSES):
        import typer  # noqa: F401
