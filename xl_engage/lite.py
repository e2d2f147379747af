"""The Excel functions for xlwings Lite: a ``main.py`` and a ``requirements.txt`` made from
the function registry (:data:`xl_engage.functions.HELP`).

xlwings Lite is an Office add-in (free in the store) that runs Python through Pyodide in
Excel 365 and 2021+ on Windows, Mac and the web. Its editor holds a ``main.py``, whose
``@func`` functions become worksheet functions named as the Python function in capitals,
and a ``requirements.txt``, which it installs with Pyodide's micropip. ``main.py`` here
declares every function with the library's help (``@arg(name, doc=…)``; ranges as 2-D
lists, ``ndim=2``) and calls the library, so the cells show what the Windows add-in and the
named LAMBDAs show.

What Lite needs: xl-engage itself (a pure-Python wheel) and pydantic, which Pyodide ships.
python-calamine, the only other compiled dependency, is skipped on Pyodide
(``sys_platform == 'emscripten'`` in pyproject.toml): the functions never read a file, and
``xl_engage.functions`` imports no compiled module but pydantic-core (tests/test_lite.py).
"""

from __future__ import annotations

import textwrap

from xl_engage import __version__
from xl_engage.functions import HELP


def is_range(arg: str) -> bool:
    """Arguments taking a range are named ``…_range`` throughout the library."""
    return arg.endswith("_range")


def main_py() -> str:
    """The whole ``main.py``: one ``@func`` per library function, in the registry's order."""
    parts = [
        '"""xl_engage\'s Excel functions for xlwings Lite.\n\n'
        f"Made by `xl-engage functions --lite` (xl-engage {__version__}) from the function registry:\n"
        "regenerate it rather than edit it. Paste it into xlwings Lite's main.py, and the lines of\n"
        'requirements.txt into its requirements.txt tab.\n"""\n',
        "from xlwings import arg, func\n\nfrom xl_engage import functions as F\n",
    ]
    for name, help_ in HELP.items():
        decorators = ["@func"]
        for arg_name, doc in help_.args.items():
            extra = ", ndim=2" if is_range(arg_name) else ""
            decorators.append(f"@arg({arg_name!r}, doc={doc!r}{extra})")
        params = ", ".join(f"{a}=None" if a in help_.defaults else a for a in help_.args)
        call = ", ".join(help_.args)
        summary = help_.summary.replace('"""', "'''")
        body = textwrap.indent(f'"""{summary}"""\nreturn F.{name}({call})', "    ")
        parts.append("\n".join([*decorators, f"def {name}({params}):", body]) + "\n")
    return "\n\n".join(parts)


def requirements_txt(wheel: str | None = None) -> str:
    """xl-engage from PyPI at this version, or the address of the wheel the firm hosts."""
    source = wheel or f"xl-engage=={__version__}"
    return (
        "# xlwings Lite installs these with Pyodide's micropip. pydantic comes with Pyodide.\n"
        "# Not on PyPI? Build the wheel (python -m pip wheel --no-deps -w dist .), put it where\n"
        "# the add-in can fetch it (a GitHub release works), and give its address instead:\n"
        "#   xl-engage functions --lite DIR --wheel https://…/xl_engage-X-py3-none-any.whl\n"
        f"{source}\n"
    )
