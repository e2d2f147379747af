"""The command line from the commands' own signatures, on the standard library's argparse.

The commands are plain functions whose parameters say what they take, as Typer reads them:
``out: Annotated[Path, Option("--out", "-o", help=...)] = Path("out.xlsx")``. Typer did this
job until its releases started building a pydantic validator for every parameter at start-up
(0.2 s of every ``--help``) and showing flags as taking a ``<bool>``; a command a user installs
with ``pip`` gets whatever Typer is newest, so the command line changed under users untested.
This module reads the same declarations into argparse: nothing to install, nothing that moves,
and the same options, defaults and help.

What a parameter becomes: a ``bool`` is a flag (``--pdf``), or a pair (``--strict/--no-strict``
when no name is given, ``--owner-does-am/--dedicated-am`` when both are named); an ``int`` may
be bounded (``min``, ``max``); a ``list[...]`` option may be repeated; a ``Path`` may refuse an
existing file or folder (``file_okay``, ``dir_okay``); a parameter with no default is required.
A usage error is one line, naming the command and how to get its help (exit 2).
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
import textwrap
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn


class Exit(Exception):  # as Typer names it: the commands raise it to end with a code
    """End the command with ``code`` (0 unless said)."""

    def __init__(self, code: int = 0) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Param:
    """What a command's parameter declares beyond its type and default."""

    decls: tuple[str, ...] = ()
    help: str = ""
    positional: bool = False
    min: int | None = None
    max: int | None = None
    metavar: str | None = None
    file_okay: bool = True
    dir_okay: bool = True
    callback: Callable[[Any], object] | None = None
    is_eager: bool = False


def Option(*decls: str, **info: Any) -> Param:  # read like a type in signatures
    """A named option: ``Option("--out", "-o", help=...)``; no names: ``--<parameter-name>``."""
    return Param(decls=decls, **info)


def Argument(**info: Any) -> Param:
    """A positional argument."""
    return Param(positional=True, **info)


@dataclass
class _Command:
    name: str
    func: Callable[..., object]


@dataclass
class App:
    """Commands registered with ``@app.command()``, options of the program itself with
    ``@app.callback()``; calling the app runs the command line (``sys.argv`` unless given)."""

    help: str = ""
    prog: str = "xl-engage"
    commands: list[_Command] = field(default_factory=list)
    main: Callable[..., object] | None = None
    subparsers: dict[str, argparse.ArgumentParser] = field(default_factory=dict)

    def command(self, name: str | None = None) -> Callable[[Callable[..., object]], Callable[..., object]]:
        def register(func: Callable[..., object]) -> Callable[..., object]:
            self.commands.append(_Command(name or func.__name__.replace("_", "-"), func))
            return func

        return register

    def callback(self) -> Callable[[Callable[..., object]], Callable[..., object]]:
        def register(func: Callable[..., object]) -> Callable[..., object]:
            self.main = func
            return func

        return register

    def parser(self) -> argparse.ArgumentParser:
        top = _Parser(
            prog=self.prog,
            description=textwrap.fill(_help_text(self.help), width=88),
            formatter_class=argparse.RawDescriptionHelpFormatter,
            allow_abbrev=False,
        )
        if self.main is not None:
            _add_params(top, self.main)
        sub = top.add_subparsers(dest="_command", metavar="COMMAND", title="commands")
        self.subparsers = {}
        for c in self.commands:
            doc = inspect.getdoc(c.func) or ""
            one = sub.add_parser(
                c.name,
                help=_help_text(doc.split("\n\n")[0].replace("\n", " "), escape=True),
                description=_help_text(doc),
                formatter_class=argparse.RawDescriptionHelpFormatter,
                allow_abbrev=False,
                prog=f"{self.prog} {c.name}",
            )
            _add_params(one, c.func)
            one.set_defaults(_func=c.func)
            self.subparsers[c.name] = one
        return top

    def __call__(self, args: Sequence[str] | None = None) -> NoReturn:
        argv = list(sys.argv[1:] if args is None else args)
        parser = self.parser()
        try:
            if not argv:  # the program alone: what it can do
                parser.print_help()
                raise Exit(0)
            names = {c.name: c.func for c in self.commands}
            at = next((i for i, a in enumerate(argv) if a in names), len(argv))
            if self.main is not None:  # its eager options (--version) before any command's checks
                lead = next((i for i, a in enumerate(argv) if not a.startswith("-")), len(argv))
                _eager(self.main, argv[: min(at, lead)])  # the program's own options, before any word
            if at < len(argv):
                argv = argv[: at + 1] + _dash_values(names[argv[at]], argv[at + 1 :])
            got_ns, extra = parser.parse_known_args(argv)
            got = vars(got_ns)
            if extra:  # said by the command's own parser, which names its help
                command = got.get("_command")
                where = self.subparsers.get(command, parser) if isinstance(command, str) else parser
                where.error(f"unrecognized arguments: {' '.join(extra)}")
            if self.main is not None:
                self.main(**_kwargs(self.main, got))
            func = got.get("_func")
            if func is None:
                parser.print_help()
                raise Exit(0)
            func(**_kwargs(func, got))
        except Exit as done:
            _exit(done.code)
        except KeyboardInterrupt:
            print("interrupted; nothing was written", file=sys.stderr)
            _exit(130)
        except BrokenPipeError:  # the reader of the output stopped early (| head): nothing to say
            _quiet_stdout()
            _exit(1)
        _exit(0)


def _exit(code: int) -> NoReturn:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
    sys.exit(code)


def _quiet_stdout() -> None:
    """Output whose reader is gone goes nowhere, so Python's last flush says nothing."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _an_option(token: str, known: set[str]) -> bool:
    """``token`` is one of the options, as written in any of argparse's forms (``--out``,
    ``--out=x``, ``-ox``) or the ``--`` that ends them: never a value left out before it."""
    if token == "--":
        return True
    return any(
        token == k or token.startswith(k + "=") or (len(k) == 2 and token.startswith(k)) for k in known
    )


def _dash_values(func: Callable[..., object], args: list[str]) -> list[str]:
    """An option's value that starts with a dash (``--client -ACME``) is a value, as the
    user meant, unless it is one of the command's own options: argparse would take it for an
    option, so it is joined to its option (``--client=-ACME``)."""
    takes, known = set(), set()
    for name, hint, param, _ in _declared(func):
        decls = param.decls or (f"--{name.replace('_', '-')}",)
        flags = [d for decl in decls for d in decl.split("/")]
        known.update(flags)
        if hint is not bool and not param.positional:
            takes.update(flags)
    known.update(("-h", "--help"))
    out: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if (
            a in takes
            and i + 1 < len(args)
            and args[i + 1].startswith("-")
            and not _an_option(args[i + 1], known)
        ):
            value = args[i + 1]
            out.append(f"{a}={value}" if a.startswith("--") else f"{a}{value}")
            i += 2
            continue
        if a == "--":
            out += args[i:]
            break
        out.append(a)
        i += 1
    return out


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line: what is wrong and where the command's help is."""
        print(f"{self.prog}: {message} (see '{self.prog} --help')", file=sys.stderr)
        sys.exit(2)


def _help_text(text: str, escape: bool = False) -> str:
    """Help written for rich markup (``\\[`` for a bracket) as plain text; ``escape``: for
    the texts argparse formats with ``%`` (an option's or a command's help, not a
    description), a ``%`` doubled so that it shows as itself."""
    plain = textwrap.dedent(text).replace("\\[", "[")
    return plain.replace("%", "%%") if escape else plain


def _declared(func: Callable[..., object]) -> list[tuple[str, Any, Param, Any]]:
    """(name, type without None, declaration, default) for each parameter of ``func``."""
    hints = typing.get_type_hints(func, include_extras=True)
    out = []
    for name, p in inspect.signature(func).parameters.items():
        hint = hints.get(name, str)
        param = Param()
        if typing.get_origin(hint) is typing.Annotated:
            hint, *extras = typing.get_args(hint)
            param = next((e for e in extras if isinstance(e, Param)), param)
        out.append((name, _without_none(hint), param, p.default))
    return out


def _without_none(hint: Any) -> Any:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        kept = [a for a in typing.get_args(hint) if a is not type(None)]
        return kept[0] if len(kept) == 1 else hint
    return hint


def _add_params(parser: argparse.ArgumentParser, func: Callable[..., object]) -> None:
    for name, hint, param, default in _declared(func):
        required = default is inspect.Parameter.empty
        bounds = f" ({param.min}–{param.max})" if param.min is not None and param.max is not None else ""
        shown = param.help if not bounds or bounds in param.help else param.help.rstrip(".") + bounds + "."
        if not required and default not in (None, False, True, []) and "default" not in shown.lower():
            shown = f"{shown.rstrip('.')} (default: {default})."
        given: dict[str, Any] = {"help": _help_text(shown, escape=True), "dest": name}
        if param.positional:
            del given["dest"]
            parser.add_argument(
                name,
                type=_converter(hint, param),
                nargs=None if required else "?",
                default=None if required else default,
                metavar=param.metavar or name.upper(),
                help=given["help"],
            )
            continue
        decls = param.decls or (f"--{name.replace('_', '-')}",)
        if hint is bool:
            if len(decls) == 1 and "/" in decls[0]:  # both may be given: the last one wins
                yes, no = decls[0].split("/")
                parser.add_argument(yes, action="store_const", const=True, default=default, **given)
                parser.add_argument(no, action="store_const", const=False, dest=name, help=f"Not {yes}.")
            elif param.decls:
                parser.add_argument(*decls, action="store_true", default=bool(default), **given)
            else:
                parser.add_argument(*decls, action=argparse.BooleanOptionalAction, default=default, **given)
            continue
        many = typing.get_origin(hint) is list
        one = typing.get_args(hint)[0] if many else hint
        parser.add_argument(
            *decls,
            type=_converter(one, param),
            action="append" if many else "store",
            default=None if required else default,
            required=required,
            metavar=param.metavar or _METAVARS.get(one, "TEXT"),
            **given,
        )


_METAVARS: dict[Any, str] = {Path: "PATH", int: "N", str: "TEXT"}


def _converter(hint: Any, param: Param) -> Callable[[str], Any]:
    if hint is int:

        def number(text: str) -> int:
            try:
                value = int(text)
            except ValueError:
                raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
            low = param.min if param.min is not None else value
            high = param.max if param.max is not None else value
            if not low <= value <= high:
                raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
            return value

        return number
    if hint is Path:

        def path(text: str) -> Path:
            p = Path(text)
            if not param.file_okay and p.is_file():
                raise argparse.ArgumentTypeError(f"'{text}' is a file; a folder is wanted")
            if not param.dir_okay and p.is_dir():
                raise argparse.ArgumentTypeError(f"'{text}' is a folder; a file is wanted")
            return p

        return path
    return str


def _eager(func: Callable[..., object], before: list[str]) -> None:
    """Options that act at once (``--version``), given exactly as declared before the
    command, run before anything else is checked."""
    for name, _, param, _ in _declared(func):
        flags = param.decls or (f"--{name.replace('_', '-')}",)
        if param.is_eager and param.callback is not None and any(f in before for f in flags):
            param.callback(True)


def _kwargs(func: Callable[..., object], got: dict[str, Any]) -> dict[str, Any]:
    return {name: got[name] for name in inspect.signature(func).parameters if name in got}
