"""What the terminal is told: every error, and warnings alike counted after a few."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from xl_engage.build import write_workbook
from xl_engage.inputs.budget import load_budget
from xl_engage.issues import SHOWN_ALIKE, Issue, capped, shape
from xl_engage.templates import SAMPLE_MSP

CLI = str(Path(sys.executable).parent / "xl-engage")


def test_warnings_alike_are_counted_after_the_first_few_and_errors_never() -> None:
    future = [
        Issue(f"ledger.csv:{n} (Date)", f"2028-0{n % 9 + 1}-11 is in the future", "warning")
        for n in range(2, 40)
    ]
    errors = [Issue(f"ledger.csv:{n} (Amount)", f"Amount: not a number: 'x{n}'") for n in range(2, 40)]
    other = Issue(
        "ledger.csv:7 (Reference)", "reference 'INV-1' is also on an earlier transaction", "warning"
    )
    said = capped([*future[:20], *errors, other, *future[20:]])
    assert [i for i in said if i.severity == "error"] == errors  # every one, in order
    shown = [i for i in said if i.message.endswith("is in the future")]
    assert shown == future[:SHOWN_ALIKE]
    assert other in said
    (summary,) = [i for i in said if i.message.startswith("…")]
    assert summary.severity == "warning"
    assert summary.where == "ledger.csv"
    assert summary.message.startswith(
        f"… and {len(future) - SHOWN_ALIKE:,} more like this (ledger.csv:12 (Date)"
    )
    assert summary.message.endswith("the last at ledger.csv:39 (Date)")
    assert said[-1] == summary  # after everything else


def test_alike_means_the_same_words_in_the_same_file() -> None:
    a = Issue("a.csv:3 (Date)", "2027-01-02 is in the future (today is 2026-11-28)", "warning")
    b = Issue("a.csv:9 (Date)", "2029-12-31 is in the future (today is 2026-11-28)", "warning")
    c = Issue("b.csv:9 (Date)", "2029-12-31 is in the future (today is 2026-11-28)", "warning")
    d = Issue("Lines!F7", "unit cost 'n/a' is not a number", "warning")
    e = Issue("Lines!F9", "unit cost '12,0' is not a number", "warning")
    assert shape(a) == shape(b) != shape(c)
    assert shape(d) == shape(e)
    assert capped([a, b, c], shown=1) == [
        a,
        c,
        Issue("a.csv", f"… and 1 more like this ({b.where}: {b.message}), the last at {b.where}", "warning"),
    ]


def _reconciled(tmp_path: Path, header: str, rows: list[str]) -> subprocess.CompletedProcess[str]:
    """`xl-engage reconcile` of Harbor's sample budget against a ledger of these rows."""
    budget, _ = load_budget(SAMPLE_MSP / "budgets" / "harbor-logistics" / "client.toml")
    workbook = write_workbook("budget", budget, tmp_path / "budget.xlsx")
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(header + "\n" + "\n".join(rows) + "\n")
    command = [CLI, "reconcile", "--budget", str(workbook), "--actuals", str(ledger), "--as-of", "2026-11-22"]
    return subprocess.run(
        [*command, "--out", str(tmp_path / "r.xlsx")], capture_output=True, text=True, check=False
    )


def test_a_ledger_dated_ahead_gives_ten_warnings_and_a_count(tmp_path: Path) -> None:
    ahead = dt.date.today() + dt.timedelta(days=400)
    lines = [f"{ahead:%Y-%m-%d},CDW,Item {n},100.00,6100 Computer equipment,INV-{n}" for n in range(1, 31)]
    done = _reconciled(tmp_path, "Date,Payee,Description,Amount,GL account,Ref", lines)
    assert done.returncode == 0, done.stderr
    told = [line for line in done.stderr.splitlines() if "in the future" in line]
    assert len(told) == SHOWN_ALIKE + 1
    assert told[0].startswith("ledger.csv:2 (Date): warning:")
    assert told[-1].startswith(f"ledger.csv: warning: … and {30 - SHOWN_ALIKE} more like this")
    assert told[-1].endswith("the last at ledger.csv:31 (Date)")


def test_duplicated_references_are_alike_whatever_transaction_they_name() -> None:
    a = Issue(
        "l.csv:3 (Ref)",
        "reference 'INV-7' is also on an earlier transaction (2026-05-01, CDW, 10.00); both are kept",
        "warning",
    )
    b = Issue(
        "l.csv:9 (Ref)",
        "reference 'INV-9' is also on an earlier transaction (2026-06-11, Dell, 1,200.00); both are kept",
        "warning",
    )
    assert shape(a) == shape(b)


def test_a_ledger_s_transfers_are_counted_once_and_the_last_named(tmp_path: Path) -> None:
    rows = [f"2026-05-{n % 28 + 1:02d},Transfer,Move {n},100.00,INV-{n}" for n in range(1, 26)]
    rows.append("2026-05-03,CDW,Laptop,1200.00,INV-99")
    done = _reconciled(tmp_path, "Date,Type,Description,Amount,Ref", rows)
    assert done.returncode == 0, done.stderr
    told = [line for line in done.stderr.splitlines() if "not spend" in line or "more like this" in line]
    listed = [line for line in told if line.startswith("ledger.csv:") and "more like this" not in line]
    assert len(listed) == SHOWN_ALIKE
    (count,) = [line for line in told if "more like this" in line]
    assert f"… and {25 - SHOWN_ALIKE} more like this" in count
    assert count.endswith("the last at ledger.csv:26 (Date)")


def test_a_huge_number_is_said_short() -> None:
    """A bound broken by 1e308 said the number's 309 digits; it is said as 1e+308."""
    from decimal import Decimal

    from pydantic import BaseModel, Field

    from xl_engage.validate import validate

    class Cost(BaseModel):
        unit_cost: Decimal = Field(lt=Decimal(10) ** 12)

    for got, shown in ((Decimal("1e308"), "1e+308"), (1e308, "1e+308"), (Decimal(-120), "-120")):
        _, issues = validate(
            Cost, {"unit_cost": got}, {("unit_cost",): "Lines!G5"}, {("unit_cost",): "Unit cost"}, "x"
        )
        limit = "must be < 1000000000000" if got > 0 else ""
        assert [str(i) for i in issues] == ([f"Lines!G5: Unit cost {limit}, got {shown}"] if limit else []), (
            issues
        )


def test_a_bound_and_a_value_that_would_read_alike_are_said_in_full() -> None:
    """Shortened, 10**18 + 1 against a bound of 10**18 read "must be < 1e+18, got 1e+18"."""
    from decimal import Decimal

    from pydantic import BaseModel, Field

    from xl_engage.validate import validate

    class Total(BaseModel):
        control_total: Decimal = Field(lt=Decimal(10) ** 18)

    _, issues = validate(Total, {"control_total": Decimal(10) ** 18 + 1}, {}, {}, "Summary!B20")
    assert [i.message for i in issues] == [
        "Control total must be < 1000000000000000000, got 1000000000000000001"
    ]
