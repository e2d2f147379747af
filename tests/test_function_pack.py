"""The function pack (issue 17, part 1): `xl-engage functions` writes the named LAMBDAs with
a sheet of worked examples calling them, and xlwings Lite's files beside it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import record_lo_cells
from xl_engage.function_pack import EXAMPLES, example_formula, example_value
from xl_engage.lambdas import named_lambdas
from xl_engage.lite import main_py
from xl_engage.recalc import recalculate

CLI = str(Path(sys.executable).parent / "xl-engage")
LAMBDAS = named_lambdas()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("pack")
    done = run("functions", "--out", str(folder / "functions.xlsx"), "--lite", str(folder / "lite"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"wrote {folder / 'functions.xlsx'}",
        f"wrote {folder / 'lite' / 'main.py'}",
        f"wrote {folder / 'lite' / 'requirements.txt'}",
    ]
    return folder / "functions.xlsx", folder / "lite"


def test_the_pack_defines_every_function_and_calls_each_in_a_worked_example(pack: tuple[Path, Path]) -> None:
    path, _ = pack
    book = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)["Examples"]
    assert set(EXAMPLES) == {f.name for f in LAMBDAS}
    examples = book["Examples"]
    found = {}
    for row in examples.iter_rows(min_row=1):
        label, formula = row[0].value, row[1].value
        if isinstance(formula, str) and formula.startswith("="):
            found[label] = (formula, values.cell(row[1].row, 2).value)
    for function in LAMBDAS:
        assert book.defined_names[function.name].attr_text == function.definition
        typed = "=" + example_formula(function)
        formula, cached = found[typed]  # column A shows what to type, column B computes it
        assert formula == typed
        assert (
            cached == pytest.approx(example_value(function))
            if not isinstance(cached, str)
            else cached == (example_value(function))
        )
    listed = {r[0].value: r[2].value for r in book["Functions"].iter_rows(min_row=3) if r[0].value}
    assert listed == {f.signature: f.typed for f in LAMBDAS}


def test_check_says_what_the_pack_is(pack: tuple[Path, Path]) -> None:
    path, _ = pack
    done = run("check", str(path))
    assert done.returncode == 2
    assert "this is the function pack (xl-engage functions)" in done.stderr


def test_lite_files_are_written_beside_it(pack: tuple[Path, Path]) -> None:
    _, lite = pack
    assert (lite / "main.py").read_text(encoding="utf-8") == main_py()
    assert "xl-engage==" in (lite / "requirements.txt").read_text(encoding="utf-8")


@pytest.mark.libreoffice
def test_each_worked_example_computes_its_cached_value(tmp_path: Path) -> None:
    """The examples' LAMBDA bodies with the typed arguments put in (each typed argument a
    cell of its own, ``=30%``, as the LAMBDA receives a value), evaluated by LibreOffice."""
    import xlsxwriter
    from xlsxwriter.utility import xl_rowcol_to_cell

    path = tmp_path / "examples.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Examples")
    for r, function in enumerate(LAMBDAS):
        typed, _ = EXAMPLES[function.name]
        arguments: dict[str, str | None] = dict.fromkeys(function.params)  # left out: omitted
        for c, (param, text) in enumerate(zip(function.params, typed, strict=False), start=1):
            ws.write_formula(r, c, "=" + text, None, "")
            arguments[param] = xl_rowcol_to_cell(r, c)
        ws.write_formula(r, 0, "=" + function.put_in(arguments), None, "")
    wb.close()
    (out,) = recalculate([path], tmp_path / "lo")
    sheet = openpyxl.load_workbook(out, data_only=True)["Examples"]
    for r, function in enumerate(LAMBDAS):
        engine, python = sheet.cell(r + 1, 1).value, example_value(function)
        assert engine == (python if isinstance(python, str) else pytest.approx(python)), function.name
    record_lo_cells("function pack worked examples", len(LAMBDAS))


def test_the_pack_follows_the_firm_s_templates(tmp_path: Path) -> None:
    """Its names and the examples' stored values alike: a wider tolerance makes the example
    flag Green, a larger capacity makes the example load OK."""
    from xl_engage.templates import DEFAULT_TEMPLATES

    firm = tmp_path / "firm"
    firm.mkdir()
    for file in DEFAULT_TEMPLATES.glob("*.toml"):
        (firm / file.name).write_bytes(file.read_bytes())
    for name, old, new in (
        ("reconcile.toml", "tolerance_amount = 500", "tolerance_amount = 2000"),
        ("playbook.toml", "capacity_clients = 40", "capacity_clients = 50"),
        ("playbook.toml", "capacity_mrr = 120000", "capacity_mrr = 150000"),
    ):
        text = (firm / name).read_text()
        assert old in text
        (firm / name).write_text(text.replace(old, new))
    done = run("functions", "--out", str(tmp_path / "f.xlsx"), "--templates", str(firm))
    assert done.returncode == 0, done.stderr
    values = {
        row[0].value: row[1].value
        for row in openpyxl.load_workbook(tmp_path / "f.xlsx", data_only=True)["Examples"].iter_rows()
    }
    assert values["=VARIANCE_FLAG(11600,10000)"] == "Green"  # 1,600 within the firm's 2,000
    assert values["=VCIO_CAPACITY(46,140000)"] == "OK"  # within 50 clients and $150,000 ± 10 %
    names = openpyxl.load_workbook(tmp_path / "f.xlsx").defined_names
    assert "_xlfn.ISOMITTED(_xlpm.abs_tol),2000," in names["VARIANCE_FLAG"].attr_text


def test_refusals_are_one_line(tmp_path: Path) -> None:
    done = run("functions", "--wheel", "https://example.com/x.whl", "--out", str(tmp_path / "f.xlsx"))
    assert done.returncode == 2
    assert done.stderr.strip() == "--wheel goes with --lite DIR (it is written into requirements.txt)"
    (tmp_path / "file").write_text("x")
    done = run("functions", "--out", str(tmp_path / "f.xlsx"), "--lite", str(tmp_path / "file"))
    assert done.returncode == 2
    assert "is a file: give a folder" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "f.xlsx").exists()  # refused before anything was written

    from xl_engage.templates import DEFAULT_TEMPLATES

    for args, said in (
        (("--lite", str(tmp_path / "f.xlsx")), "would write over the function pack"),
        (("--lite", str(DEFAULT_TEMPLATES)), "whose files are inputs"),
    ):
        done = run("functions", "--out", str(tmp_path / "f.xlsx"), *args)
        assert done.returncode == 2, done.stderr
        assert said in done.stderr and done.stderr.startswith("--lite ")
        assert not (tmp_path / "f.xlsx").exists()
    done = run("functions", "--out", str(tmp_path / "L" / "main.py"), "--lite", str(tmp_path / "L"))
    assert done.returncode == 2 and "would write over the function pack" in done.stderr
    (tmp_path / "afile").write_text("x")
    done = run("functions", "--out", str(tmp_path / "B.xlsx"), "--lite", str(tmp_path / "afile" / "sub"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert not (tmp_path / "B.xlsx").exists()  # the pack is not written when --lite cannot be
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "reconcile.toml").write_text("[settings]\ntolerance_amount = -5\n")
    done = run("functions", "--out", str(tmp_path / "C.xlsx"), "--templates", str(broken))
    assert done.returncode != 0 and "tolerance_amount" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "C.xlsx").exists()  # the firm's own defaults are wrong: said, not replaced
    (tmp_path / "lite").mkdir()
    (tmp_path / "lite" / "main.py").write_text("# mine")
    (tmp_path / "lite" / "main.py").chmod(0o444)
    done = run("functions", "--out", str(tmp_path / "f.xlsx"), "--lite", str(tmp_path / "lite"))
    assert done.returncode == 2
    assert done.stderr.startswith(f"--lite {tmp_path / 'lite' / 'main.py'} is read-only")
    assert not (tmp_path / "f.xlsx").exists()
    assert (tmp_path / "lite" / "main.py").read_text() == "# mine"
