"""Hostile and broken inputs through the real command: each case asserts the exit code, one
line a user reads (never a traceback), and that every input is byte-identical afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from xl_engage.templates import SAMPLE_MSP

CLI = str(Path(sys.executable).parent / "xl-engage")
CLIENTS = "Client,Users,Price per user,Employees,Package\n"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300)


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = [
        line for line in result.stderr.splitlines() if line.strip() and "nothing was written" not in line
    ]
    assert len(lines) == 1, result.stderr
    return lines[0]


def tampered(tmp_path: Path, name: str, edit: Callable[[bytes], bytes]) -> Path:
    """A real workbook (a pricing workbook from the CLI) whose first sheet's XML is edited."""
    good = tmp_path / "good.xlsx"
    if not good.exists():
        assert run("pricing", "--out", str(good)).returncode == 0
    bad = tmp_path / name
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info, edit(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    return bad


def sample_budget(out: Path) -> Path:
    """The sample MSP's Contoso Dental budget, built by the CLI."""
    client = SAMPLE_MSP / "budgets" / "contoso-dental" / "client.toml"
    assert run("budget", "--client", str(client), "--out", str(out)).returncode == 0
    return out


def _snapshot(*paths: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in paths}


def test_an_output_that_is_an_input_is_refused_by_inode(tmp_path: Path) -> None:
    clients = tmp_path / "clients.csv"
    clients.write_text((SAMPLE_MSP / "clients.csv").read_text())
    link = tmp_path / "other-name.csv"
    os.link(clients, link)  # the same file under another name
    before = _snapshot(clients)
    for out in (clients, link):
        result = run("pricing", "--clients", str(clients), "--out", str(out))
        assert result.returncode == 2
        assert "is an input of this run" in _one_line(result)
    assert _snapshot(clients) == before


def test_reconcile_never_overwrites_its_budget(tmp_path: Path) -> None:
    budget = tmp_path / "b.xlsx"
    sample_budget(budget)
    before = _snapshot(budget)
    ledger = SAMPLE_MSP / "reconcile" / "harbor-logistics-ledger.csv"
    result = run("reconcile", "--budget", str(budget), "--actuals", str(ledger), "--out", str(budget))
    assert result.returncode == 2 and "is an input of this run (b.xlsx)" in _one_line(result)
    assert _snapshot(budget) == before


def test_from_x_out_x_rebuilds_in_place(tmp_path: Path) -> None:
    book = tmp_path / "p.xlsx"
    assert run("pricing", "--out", str(book)).returncode == 0
    result = run("pricing", "--from", str(book), "--out", str(book))
    assert result.returncode == 0, result.stderr


def test_an_output_folder_is_refused(tmp_path: Path) -> None:
    result = run("pricing", "--out", str(tmp_path))
    assert result.returncode == 2 and "is a folder: give a file name" in _one_line(result)


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        ("deep.toml", "a = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        ("typo.toml", "[[segments]]\nname = 'A'\nclientz = 3\n", "clientz"),
    ],
)
def test_hostile_toml(tmp_path: Path, name: str, text: str, says: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    result = run("roi", "--inputs", str(path), "--out", str(tmp_path / "r.xlsx"))
    assert result.returncode in (1, 2)
    assert says in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "r.xlsx").exists()


@pytest.mark.parametrize(
    ("row", "says"),
    [
        (
            "A,10,1234567890123456789012345678901234567890,10,vCIO Light",
            "Price per user must be < 1000000000000",
        ),
        ("A,10,1e12,10,vCIO Light", "Price per user must be a number"),
        ("A,10,nan,10,vCIO Light", "Price per user must be a number"),
        ("A,10,12,5,10,vCIO Light", "clients.csv:2"),  # a decimal comma unquoted: one field too many
    ],
)
def test_implausible_amounts_are_refused_at_their_cell(tmp_path: Path, row: str, says: str) -> None:
    path = tmp_path / "clients.csv"
    path.write_text(CLIENTS + row + "\n")
    result = run("pricing", "--clients", str(path), "--out", str(tmp_path / "p.xlsx"))
    assert result.returncode == 1 and says in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("purchase", "says"),
    [
        ("9999-12-31", "Purchase date must be between 1900-03-01 and 2199-12-31"),
        ("1899-12-31", "Purchase date must be between 1900-03-01 and 2199-12-31"),
    ],
)
def test_dates_near_the_calendars_ends_are_refused_at_their_cell(
    tmp_path: Path, purchase: str, says: str
) -> None:
    path = tmp_path / "inv.csv"
    path.write_text(f"Asset ID,Type,Purchase Date\nA1,Laptop,{purchase}\n")
    result = run("budget", "--assets", str(path), "--name", "X", "--out", str(tmp_path / "b.xlsx"))
    assert result.returncode == 1 and f"inv.csv:2 (Purchase Date): {says}" in result.stderr
    result = run(
        "budget",
        "--assets",
        str(path),
        "--name",
        "X",
        "--as-of",
        "0001-01-01",
        "--out",
        str(tmp_path / "b.xlsx"),
    )
    assert result.returncode == 1 and "got 0001-01-01" in result.stderr and "Traceback" not in result.stderr
    result = run(
        "playbook",
        "--portfolio",
        str(SAMPLE_MSP / "portfolio.csv"),
        "--year",
        "9999",
        "--out",
        str(tmp_path / "p.xlsx"),
    )
    assert result.returncode == 2 and "--year" in result.stderr


def test_a_killed_runs_temporary_files_are_cleaned_on_the_next_write(tmp_path: Path) -> None:
    out = tmp_path / "p.xlsx"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stale = tmp_path / f".p.xlsx.{dead.stdout.strip()}.abc123.tmp"
    stale.write_bytes(b"half a workbook")
    mine = tmp_path / f".p.xlsx.{os.getpid()}.live.tmp"  # a running process's: left alone
    mine.write_bytes(b"in progress")
    assert run("pricing", "--out", str(out)).returncode == 0
    assert not stale.exists() and mine.exists() and out.exists()


@pytest.mark.parametrize(
    ("args", "name", "text", "says"),
    [
        (
            ["pricing", "--agreements"],
            "ag.toml",
            '[[agreement]]\nclient = "Contoso Dental"\nremvoe = ["x"]\n',
            "agreement[1].remvoe: is not a known field; did you mean 'remove'?",
        ),
        (
            ["budget", "--client"],
            "client.toml",
            '[profil]\nclient = "A"\n',
            "profil: is not a known key; did you mean 'profile'?",
        ),
        (
            ["budget", "--client"],
            "client.toml",
            '[profile]\nclient = "A"\nstart = 2026-01-01\nas_of = 2026-11-22\n'
            "[planning]\nreserve_montly = 50\n",
            "planning reserve_montly: is not a known key; did you mean 'reserve_monthly'?",
        ),
    ],
)
def test_an_unknown_toml_key_is_refused_with_the_nearest_valid_one(
    tmp_path: Path, args: list[str], name: str, text: str, says: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    result = run(*args, str(path), "--out", str(tmp_path / "o.xlsx"))
    assert result.returncode == 1 and says in result.stderr, result.stderr
    assert not (tmp_path / "o.xlsx").exists()


def test_text_longer_than_a_cell_holds_is_refused_at_its_source(tmp_path: Path) -> None:
    """Excel keeps 32,767 characters in a cell and would cut the rest silently."""
    clients = tmp_path / "clients.csv"
    clients.write_text(CLIENTS.rstrip("\n") + ",Notes\nA,10,100,10,vCIO Light," + "x" * 40_000 + "\n")
    result = run("pricing", "--clients", str(clients), "--out", str(tmp_path / "p.xlsx"))
    assert result.returncode == 1
    assert (
        "clients.csv:2 (Notes): Notes is 40,000 characters long; Excel holds at most 32,767" in result.stderr
    )
    inventory = tmp_path / "inv.csv"
    inventory.write_text("Asset ID,Type,Purchase Date,Location\nA1,Laptop,2024-01-01," + "y" * 33_000 + "\n")
    result = run("budget", "--assets", str(inventory), "--name", "X", "--out", str(tmp_path / "b.xlsx"))
    assert (
        result.returncode == 1
        and "inv.csv:2 (Location): Location must be at most 32767 characters" in result.stderr
    )


def test_a_part_declaring_entities_is_refused_as_a_workbook_and_as_an_export(tmp_path: Path) -> None:
    bad = tampered(
        tmp_path,
        "ent.xlsx",
        lambda d: d.replace(b"<worksheet", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet', 1),
    )
    result = run("check", str(bad))
    assert result.returncode == 2 and "declares entities" in _one_line(result)
    result = run("budget", "--assets", str(bad), "--name", "X", "--out", str(tmp_path / "b.xlsx"))
    assert (
        result.returncode == 1 and "declares entities" in result.stderr and "Traceback" not in result.stderr
    )


@pytest.mark.parametrize("far", ["XFD1048576", "CV1048576"])
def test_a_cell_far_from_the_others_is_refused_before_anything_is_allocated(tmp_path: Path, far: str) -> None:
    """A 36 KB workbook with one cell at XFD1048576 made the workbook library allocate the
    whole grid (512 GB) and abort the process; now it is refused in one line, quickly."""
    import re
    import resource

    row = re.sub(r"[A-Z]", "", far)
    far_row = f'<row r="{row}"><c r="{far}"><v>1</v></c></row></sheetData>'.encode()
    bad = tampered(tmp_path, "far.xlsx", lambda d: d.replace(b"</sheetData>", far_row))
    for args in (
        ["check", str(bad)],
        ["budget", "--assets", str(bad), "--name", "X", "--out", str(tmp_path / "b.xlsx")],
    ):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        result = run(*args)
        assert result.returncode in (1, 2) and f"holds a cell at {far}" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert (
            max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) < 1024 * 1024
        )  # KiB: < 1 GiB


DAMAGED_XLS = Path(__file__).parents[1] / "data" / "hostile" / "damaged-six-bytes.xls"


@pytest.mark.parametrize("command", [["inspect", "--as", "inventory"], ["inspect", "--as", "ledger"]])
def test_a_damaged_xls_is_refused_in_one_line_not_a_native_crash(tmp_path: Path, command: list[str]) -> None:
    """An .xls has no package to scan, but the library's own read of it still runs bounded in
    a child first: six changed bytes make python-calamine ask for 59 GB and abort the process
    (a Rust backtrace, no exception)."""
    victim = tmp_path / "export.xls"
    victim.write_bytes(DAMAGED_XLS.read_bytes())
    done = run(*command, str(victim))
    assert done.returncode == 2, done.stderr
    assert "panicked" not in done.stderr and "stack backtrace" not in done.stderr
    assert "could not read it within the memory allowed" in _one_line(done)
    assert victim.read_bytes() == DAMAGED_XLS.read_bytes()


HOSTILE = Path(__file__).parents[1] / "data" / "hostile"


@pytest.mark.parametrize(
    ("name", "saved_as", "says"),
    [
        ("password-protected.xlsx", "export.xlsx", "is password-protected: save a copy without a password"),
        ("password-protected.xlsx", "export.csv", "is not a CSV text file (it looks binary)"),
        ("stray-cell-iv65536.xls", "export.xls", "a stray cell far below or right of the table: delete it"),
    ],
)
def test_an_ole_file_the_library_cannot_read_says_what_to_do(
    tmp_path: Path, name: str, saved_as: str, says: str
) -> None:
    victim = tmp_path / saved_as
    victim.write_bytes((HOSTILE / name).read_bytes())
    done = run("inspect", "--as", "inventory", str(victim))
    assert done.returncode == 2 and says in _one_line(done), done.stderr
