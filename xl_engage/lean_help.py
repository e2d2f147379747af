"""A faster ``xl-engage --help``: two of rich's modules load only when they are used.

Typer's help formatter (``typer.rich_utils``) imports ``rich.markdown`` (markdown-it and
pygments) and ``rich.traceback`` when it is first imported: about 50 ms of a 0.18 s
``--help``. This CLI renders rich markup, never Markdown, and shows no tracebacks, so
neither is ever used. Until one is, a stand-in module holds its place: its ``Markdown`` and
``Traceback`` are classes that load the real module when called, and any other name asked
of it loads the real module and answers from it, so a newer Typer that imports more from
them still works. Nothing is stood in for once the real module is loaded.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_STAND_INS = {"rich.markdown": ("Markdown",), "rich.traceback": ("Traceback",)}


def _real(module_name: str) -> types.ModuleType:
    """The real module, loaded in place of its stand-in."""
    if getattr(sys.modules.get(module_name), "_xle_stand_in", False):
        del sys.modules[module_name]
    return importlib.import_module(module_name)


class _Forwarding(type):
    """A stand-in class: calling it, asking it for an attribute (``Traceback.from_exception``)
    or testing an instance against it is done by the real class, loaded then."""

    _module: str

    def _loaded(cls) -> type:
        real: type = getattr(_real(cls._module), cls.__name__)
        return real

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._loaded()(*args, **kwargs)

    def __getattr__(cls, name: str) -> Any:
        return getattr(cls._loaded(), name)

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, cls._loaded())

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, cls._loaded())


class _StandInModule(types.ModuleType):
    _xle_stand_in = True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(_real(self.__name__), name)


def _stand_in_class(module_name: str, name: str) -> type:
    return _Forwarding(name, (), {"_module": module_name, "__module__": module_name})


def defer_unused_rich_modules() -> None:
    """Put the stand-ins in place (where the real modules are not loaded yet)."""
    for module_name, names in _STAND_INS.items():
        if module_name in sys.modules:
            continue
        module = _StandInModule(module_name)
        for name in names:
            setattr(module, name, _stand_in_class(module_name, name))
        sys.modules[module_name] = module
        parent, _, child = module_name.rpartition(".")
        setattr(importlib.import_module(parent), child, module)  # `import rich.traceback` finds it
