"""One conformance suite for every kind (issue 16, part 3), parametrized over the registry.

Each kind registers its samples (``Kind.samples``: the bundled sample MSP's workbooks); each
sample goes through every check the product promises, with no test file naming the kind:
built → read back equal; read with no error (its warnings are the kind's own checks);
``check --json`` gives the model back; ``diff`` against itself is empty; a cell typed wrong is
reported at that very cell; LibreOffice recalculates every formula cell to Python's value.
A new kind registered with a sample gets all of it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter, range_boundaries

from tests.conftest import record_lo_cells
from xl_engage.build import write_workbook
from xl_engage.diff import diff
from xl_engage.kinds import Kind, all_kinds
from xl_engage.reader import read_workbook
from xl_engage.recalc import compare, find_soffice, recalculate

CLI = str(Path(sys.executable).parent / "xl-engage")


def _samples() -> list[Any]:
    out = []
    for kind in all_kinds():
        assert kind.samples is not None, f"the {kind.name} kind registers no sample"
        out += [
            pytest.param(kind, name, model, id=name.removesuffix(".xlsx"))
            for name, model in kind.samples(None)
        ]
    return out


SAMPLES = _samples()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("conformance")
    return {
        name: write_workbook(kind.name, model, folder / name)
        for kind, name, model in (p.values for p in SAMPLES)
    }


def test_every_registered_kind_has_a_sample() -> None:
    assert {p.values[0].name for p in SAMPLES} == {k.name for k in all_kinds()}


@pytest.mark.parametrize(("kind", "name", "model"), SAMPLES)
def test_a_sample_reads_back_as_itself_with_only_its_own_warnings(
    kind: Kind, name: str, model: Any, built: dict[str, Path], tmp_path: Path
) -> None:
    """The workbook may spell a model out in full (a playbook lists every vCIO's every month,
    blank or not): what it reads back is then the model's canonical form, which must carry
    the same headline figures and read back as itself, exactly, ever after."""
    loaded = read_workbook(built[name])
    assert loaded.kind.name == kind.name
    assert [i for i in loaded.issues if i.severity == "error"] == []
    assert len(loaded.issues) == len(kind.check(loaded.model))  # what the kind's rules say, no more
    if kind.headline is not None:
        assert kind.headline(loaded.model) == kind.headline(model)
    again = read_workbook(write_workbook(kind.name, loaded.model, tmp_path / name))
    assert again.model == loaded.model


@pytest.mark.parametrize(("kind", "name", "model"), SAMPLES)
def test_check_json_gives_the_model_back(kind: Kind, name: str, model: Any, built: dict[str, Path]) -> None:
    done = subprocess.run(
        [CLI, "check", str(built[name]), "--json"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["kind"] == kind.name
    assert kind.model.model_validate(got["model"]) == read_workbook(built[name]).model


@pytest.mark.parametrize(("kind", "name", "model"), SAMPLES)
def test_diff_against_a_rebuild_is_empty(
    kind: Kind, name: str, model: Any, built: dict[str, Path], tmp_path: Path
) -> None:
    loaded = read_workbook(built[name])
    again = read_workbook(write_workbook(kind.name, loaded.model, tmp_path / name))
    assert diff(kind, loaded.model, again.model, again.places, loaded.places) == []


def _typed_input(kind: Kind) -> tuple[Any, Any, str]:
    """The first table's input column that refuses some text (a number, or a list of
    choices), and a text it refuses."""
    for spec in kind.schema.tables:
        for col in spec.input_columns:
            if col.kind in ("int", "money", "number", "percent", "hours", "ratio"):
                return spec, col, "not a number"
    for spec in kind.schema.tables:
        for col in spec.input_columns:
            if col.choices:
                return spec, col, "none of the choices"
    raise AssertionError(f"the {kind.name} kind has no column that refuses a text")


@pytest.mark.parametrize(("kind", "name", "model"), SAMPLES)
def test_a_cell_typed_wrong_is_reported_at_that_cell(
    kind: Kind, name: str, model: Any, built: dict[str, Path], tmp_path: Path
) -> None:
    spec, col, wrong = _typed_input(kind)
    wb = openpyxl.load_workbook(built[name])
    where = next(
        (ws, ws.tables[t])
        for ws in wb.worksheets
        for t in ws.tables
        if t == spec.name or t.startswith(spec.name)
    )
    ws, table = where
    first_col, header_row, _, last_row = range_boundaries(table.ref)
    if last_row == header_row:
        pytest.skip(f"{name}: its {spec.name} table has no row to type into")  # pragma: no cover
    headers = {ws.cell(header_row, c).value: c for c in range(first_col, first_col + len(table.tableColumns))}
    column = headers[col.header]
    ws.cell(header_row + 1, column).value = wrong
    path = tmp_path / name
    wb.save(path)
    loaded = read_workbook(path)
    cell = f"{ws.title}!{get_column_letter(column)}{header_row + 1}"
    said = [i for i in loaded.issues if i.severity == "error"]
    assert [i.where for i in said] == [cell], said


@pytest.mark.libreoffice
def test_libreoffice_recalculates_every_sample_to_python_values(
    built: dict[str, Path], tmp_path: Path
) -> None:
    if find_soffice() is None:
        pytest.fail("LibreOffice is not installed: run ./run test. This tier never skips.")
    paths = list(built.values())
    for original, recalculated in zip(paths, recalculate(paths, tmp_path / "lo"), strict=True):
        result = compare(original, recalculated)
        assert result.checked > 0 and result.mismatches == [], "\n".join(result.mismatches[:20])
        record_lo_cells(f"conformance {original.name}", result.checked)
