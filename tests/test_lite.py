"""The Excel functions for xlwings Lite (issue 17, part 3): the generated main.py declares
every function of the registry with its arguments and help, and computes what the Windows
add-in computes; the library runs without a compiled module Pyodide lacks."""

from __future__ import annotations

import importlib.util
import inspect
import json
import pickle
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from tests.test_udfs import WORKED_EXAMPLES
from xl_engage import functions as F
from xl_engage.lite import is_range, main_py, requirements_txt

UDFS = Path(__file__).resolve().parent.parent / "udfs"


class StandIn:
    """What xlwings Lite's ``func``/``arg``/``ret`` record, as a stand-in ``xlwings`` module."""

    def __init__(self) -> None:
        self.functions: dict[str, Any] = {}
        self.args: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    def module(self) -> types.ModuleType:
        fake = types.ModuleType("xlwings")

        def func(fn: Any = None, **options: Any) -> Any:
            def register(f: Any) -> Any:
                self.functions[f.__name__] = f
                return f

            return register(fn) if fn is not None else register

        def arg(name: str, convert: Any = None, **options: Any) -> Any:
            def declare(f: Any) -> Any:
                self.args.setdefault(f.__name__, []).insert(0, (name, options))  # applied bottom-up
                return f

            return declare

        fake.func, fake.arg, fake.ret = func, arg, lambda *a, **k: lambda f: f  # type: ignore[attr-defined]
        return fake


@pytest.fixture
def lite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[types.ModuleType, StandIn]:
    (tmp_path / "main.py").write_text(main_py(), encoding="utf-8")
    stand_in = StandIn()
    monkeypatch.setitem(sys.modules, "xlwings", stand_in.module())
    spec = importlib.util.spec_from_file_location("xle_lite_main", tmp_path / "main.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, stand_in


def test_every_function_is_declared_with_its_arguments_and_help(
    lite: tuple[types.ModuleType, StandIn],
) -> None:
    _, declared = lite
    assert list(declared.functions) == list(F.HELP)  # all eighteen, named as the library's
    assert len(declared.functions) == 18
    for name, help_ in F.HELP.items():
        assert [a for a, _ in declared.args[name]] == list(help_.args), name
        for arg_name, options in declared.args[name]:
            assert options["doc"] == help_.args[arg_name]
            assert options.get("ndim") == (2 if is_range(arg_name) else None), (name, arg_name)
        function = declared.functions[name]
        assert (function.__doc__ or "").strip() == help_.summary
        params = inspect.signature(function).parameters
        assert list(params) == list(help_.args)
        optional = {n for n, p in params.items() if p.default is not inspect.Parameter.empty}
        assert all(params[n].default is None for n in optional)  # the library applies the default
        assert set(optional) == set(help_.defaults), name


@pytest.mark.parametrize(("name", "args", "expected"), WORKED_EXAMPLES)
def test_each_function_computes_what_the_add_in_computes(
    lite: tuple[types.ModuleType, StandIn], name: str, args: tuple[Any, ...], expected: Any
) -> None:
    _, declared = lite
    got = declared.functions[name.lower()](*args)
    assert type(got) is type(expected)
    assert got == (pytest.approx(expected, rel=1e-12) if name == "AM_ROI" else expected)


def test_the_committed_copy_is_the_generator_s() -> None:
    """udfs/lite/ is what `xl-engage functions --lite` writes, for whoever copies it from the
    repository: it must not drift from the registry."""
    assert (UDFS / "lite" / "main.py").read_text(encoding="utf-8") == main_py()
    assert (UDFS / "lite" / "requirements.txt").read_text(encoding="utf-8") == requirements_txt()


def test_requirements_name_the_package_or_the_firm_s_wheel() -> None:
    from xl_engage import __version__

    lines = [line for line in requirements_txt().splitlines() if line and not line.startswith("#")]
    assert lines == [f"xl-engage=={__version__}"]
    url = "https://github.com/firm/tools/releases/download/v1/xl_engage-0.1.0-py3-none-any.whl"
    assert [line for line in requirements_txt(url).splitlines() if not line.startswith("#")] == [url]


def test_the_functions_need_no_compiled_module_but_pydantic_core(tmp_path: Path) -> None:
    """What Pyodide must provide: measured by importing the library and calling every
    function (the worked examples) in a fresh interpreter, then listing what was loaded."""
    calls = tmp_path / "calls.pickle"
    calls.write_bytes(pickle.dumps([(name.lower(), args) for name, args, _ in WORKED_EXAMPLES]))
    code = """
import json, pickle, sys, sysconfig
from xl_engage import functions as F
for name, args in pickle.loads(open(sys.argv[1], "rb").read()):
    getattr(F, name)(*args)
std = sysconfig.get_paths()["stdlib"]
files = {m: getattr(mod, "__file__", None) or "" for m, mod in list(sys.modules.items())}
native = (".so", ".pyd")
compiled = sorted({m.split(".")[0] for m, f in files.items() if f.endswith(native) and not f.startswith(std)})
third = sorted({m.split(".")[0] for m, f in files.items() if "site-packages" in f})
print(json.dumps({"compiled": compiled, "packages": third}))
"""
    done = subprocess.run(
        [sys.executable, "-c", code, str(calls)], capture_output=True, text=True, check=True
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["compiled"] == ["pydantic_core"]
    assert not {"python_calamine", "xlsxwriter", "openpyxl", "typer", "rich", "pandas"} & set(
        found["packages"]
    )


def test_pyodide_skips_the_file_reader_dependency() -> None:
    """python-calamine (compiled, for reading files) is not asked for on Pyodide."""
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((UDFS.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    calamine = next(r for r in wanted if r.name == "python-calamine")
    assert calamine.marker is not None
    assert not calamine.marker.evaluate({"sys_platform": "emscripten"})
    assert calamine.marker.evaluate({"sys_platform": "linux"})
    compiled_elsewhere = {"pydantic"}  # pydantic-core: shipped by Pyodide
    for r in wanted:
        if r.marker is None or r.marker.evaluate({"sys_platform": "emscripten", "extra": ""}):
            assert r.name in {"xlsxwriter", "pydantic", "defusedxml", "rich"} | compiled_elsewhere, r
