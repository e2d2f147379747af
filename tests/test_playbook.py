"""vCIO playbook: the reference cadences, objectives checked by hand, progress through the
year, the workbook read back with located issues, and typed counts carried over."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import build, table_cell
from tests.helpers import edited as shared_edited
from xl_engage.calc import playbook as calc
from xl_engage.inputs.playbook import carry_over, load_portfolio, load_rules, new_playbook, year_of
from xl_engage.issues import InputError
from xl_engage.models.playbook import ACTIVITIES, MonthActuals, PlaybookBook, PortfolioClient, Vcio
from xl_engage.reader import read_workbook
from xl_engage.templates import SAMPLE_MSP


@pytest.fixture(scope="module")
def rules():  # type: ignore[no-untyped-def]
    return load_rules()


def book_of(
    clients: list[PortfolioClient], as_of: dt.date = dt.date(2025, 1, 1), **kw: object
) -> PlaybookBook:
    r = load_rules()
    names = dict.fromkeys(c.vcio for c in clients)
    return PlaybookBook(
        year=year_of(2025, 1, as_of),
        settings=r.settings,
        yearly=r.yearly,
        cadence=r.cadence,
        team=tuple(Vcio(name=n) for n in names),
        clients=tuple(clients),
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("mrr", "users", "complexity", "meetings", "touches"),
    [
        (D(3000), 24, 5, 4, 1),  # Company A: 1/quarter, 1/month
        (D(6500), 52, 3, 4, 1),  # Company B: twice the MRR, low complexity: still 1/quarter, 1/month
        (D(1500), 12, 8, 6, 2),  # Company C: half the MRR, high complexity: every other month, 2/month
    ],
)
def test_reference_companies(rules, mrr: D, users: int, complexity: int, meetings: int, touches: int) -> None:  # type: ignore[no-untyped-def]
    c = calc.cadence(mrr, users, complexity, rules.cadence)
    assert c is not None
    assert (c.meetings_per_year, c.touches_per_month) == (meetings, touches)


def test_rule_bounds_and_first_match() -> None:
    from xl_engage.models.playbook import CadenceRule

    rules = [
        CadenceRule(name="Big", min_users=100, meetings_per_year=12, touches_per_month=4),
        CadenceRule(
            name="Mid MRR", min_mrr=D(5000), max_mrr=D(9999), meetings_per_year=6, touches_per_month=1
        ),
        CadenceRule(name="Rest", meetings_per_year=4, touches_per_month=1),
    ]
    assert calc.cadence(D(9000), 150, 3, rules).rule == "Big"  # type: ignore[union-attr]  # first match wins
    assert calc.cadence(D(9000), None, 3, rules).rule == "Mid MRR"  # type: ignore[union-attr]  # unknown users: 0
    assert calc.cadence(D(10000), 50, 3, rules).rule == "Rest"  # type: ignore[union-attr]
    assert calc.cadence(D(10000), 50, 3, rules[:2]) is None


def test_forty_clients_at_3000_and_complexity_5() -> None:
    clients = [PortfolioClient(name=f"C{i}", mrr=D(3000), complexity=5, vcio="Dana") for i in range(40)]
    r = calc.calculate(book_of(clients))
    dana = r.vcios[0]
    # touches 40 clients × 1 a month × 12 = 480; escalations 40 × 2 = 80; meetings 40 × 4 = 160;
    # tech summaries 40 × 4 = 160; budgets 40 × 1 = 40; proposals 40 × 4 = 160
    assert {k: s.objective for k, s in dana.status.items()} == {
        "touches": 480,
        "escalations": 80,
        "meetings": 160,
        "tech_summaries": 160,
        "budgets": 40,
        "proposals": 160,
    }
    assert dana.status["touches"].weekly_plan == 10  # 480 / 48 working weeks
    assert dana.status["meetings"].weekly_plan == D(160) / 48  # 3⅓ a week
    team = r.team[0]
    assert (team.clients, team.mrr_total, team.capacity) == (40, D(120000), calc.OK)
    assert (team.nrr_min, team.nrr_target) == (D(30000), D(36000))  # 25 % / 30 % of $120,000
    assert {k: s.objective for k, s in r.total.status.items()} == {
        k: s.objective for k, s in dana.status.items()
    }


def test_progress_through_the_year_by_hand() -> None:
    """Measured at the end of May: five of twelve months gone."""
    clients = [PortfolioClient(name=f"C{i}", mrr=D(3000), complexity=5, vcio="Dana") for i in range(40)]
    typed = tuple(
        MonthActuals(vcio="Dana", month=dt.date(2025, m, 1), touches=38, meetings=14) for m in range(1, 6)
    )
    r = calc.calculate(book_of(clients, as_of=dt.date(2025, 5, 20), actuals=typed))
    s = r.vcios[0].status
    assert r.elapsed == 5 and r.progress_end == dt.date(2025, 6, 1)
    assert r.weeks_left == 28  # 48 × 7 / 12
    # touches: 5 × 38 = 190 done; 480 × 5 / 12 = 200 expected: behind; (480 − 190) / 28 a week
    assert (s["touches"].to_date, s["touches"].expected, s["touches"].on_track) == (190, 200, calc.BEHIND)
    assert s["touches"].weekly_needed == D(290) / 28
    assert s["touches"].pct == D(190) / 480
    # meetings: 5 × 14 = 70 done; 160 × 5 / 12 = 66.67 expected: on track
    assert (s["meetings"].to_date, s["meetings"].on_track) == (70, calc.ON_TRACK)
    # nothing typed for budgets, and 40 × 5 / 12 expected
    assert (s["budgets"].total, s["budgets"].on_track) == (0, calc.BEHIND)
    assert r.vcios[0].cumulative[dt.date(2025, 3, 1)]["touches"] == D(3 * 38) / 480


def test_counts_typed_after_the_as_of_month_are_totals_not_to_date() -> None:
    clients = [PortfolioClient(name="A", mrr=D(3000), complexity=5, vcio="Dana")]
    typed = (MonthActuals(vcio="Dana", month=dt.date(2025, 3, 1), touches=5),)
    s = calc.calculate(book_of(clients, as_of=dt.date(2025, 2, 10), actuals=typed)).vcios[0].status["touches"]
    assert (s.total, s.to_date) == (5, 0)


def test_capacity_flags(rules) -> None:  # type: ignore[no-untyped-def]
    settings = rules.settings
    assert calc.capacity(45, D(120000), settings) == calc.OVER  # 45 > 40 × 1.1
    assert calc.capacity(44, D(120000), settings) == calc.OK  # exactly at the tolerance
    assert calc.capacity(40, D(140000), settings) == calc.OVER  # MRR 140k > 132k
    assert calc.capacity(30, D(90000), settings) == calc.UNDER  # both below 90 %
    assert calc.capacity(30, D(120000), settings) == calc.OK  # MRR still at capacity


@pytest.mark.parametrize(
    ("per_year", "months"),
    [
        (4, [1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0]),  # quarterly, from the first month
        (6, [1, 0] * 6),  # every other month
        (1, [1] + [0] * 11),
        (24, [2] * 12),
        (5, [1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0]),
    ],
)
def test_meetings_spread_evenly(per_year: int, months: list[int]) -> None:
    assert [calc.meetings_in_month(per_year, i) for i in range(12)] == months


def test_weekly_rate_still_needed() -> None:
    assert calc.weekly_rate(520, 100, 42) == D(10)  # (520 − 100) / 42
    assert calc.weekly_rate(10, 12, 5) == 0  # ahead of plan: nothing more needed
    with pytest.raises(ValueError):
        calc.weekly_rate(10, 0, 0)


def test_sample_portfolio_has_three_vcios() -> None:
    book = new_playbook(SAMPLE_MSP / "portfolio.csv", 2026, as_of=dt.date(2026, 6, 30))
    r = calc.calculate(book)
    assert [v.name for v in book.team] == ["Dana Whitfield", "Marcus Lee", "Priya Raman"]
    assert [t.capacity for t in r.team] == [calc.OK, calc.OVER, calc.UNDER]
    # Contoso Dental is complex (8): 6 meetings and 2 touches a month; Fabrikam (5) is standard
    assert [(p.rule, p.meetings_year, p.touches_month) for p in r.clients[:2]] == [
        ("Complex environment", 6, 2),
        ("Standard", 4, 1),
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Client,MRR,Complexity,vCIO\nA,3000,0,Dana\n",
            "p.csv:2 (Complexity): Complexity must be ≥ 1, got 0",
        ),
        (
            "Client,MRR,Complexity,vCIO\nA,3000,11,Dana\n",
            "p.csv:2 (Complexity): Complexity must be ≤ 10, got 11",
        ),
        (
            "Client,MRR,Complexity,vCIO\nA,3000,5,Dana\na,2000,5,Dana\n",
            "p.csv:3 (Client): client 'a' appears more than once",
        ),
        (
            "Client,MRR,Complexity\nA,3000,5\n",
            "p.csv:1 (Client): table 'Portfolio' has no column 'vCIO' (nor 'Assigned vCIO', 'vCIO name', "
            "'Account Manager', 'Primary vCIO')",
        ),
        ("Client,MRR,Complexity,vCIO\n", "p.csv: the portfolio has no clients"),
    ],
)
def test_bad_portfolios(tmp_path: Path, body: str, expected: str) -> None:
    path = tmp_path / "p.csv"
    path.write_text(body)
    with pytest.raises(InputError) as err:
        load_portfolio(path)
    assert expected in [str(i) for i in err.value.issues]


# --- the workbook -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> PlaybookBook:
    return new_playbook(
        SAMPLE_MSP / "portfolio.csv",
        2025,
        as_of=dt.date(2025, 6, 30),
        actuals=SAMPLE_MSP / "playbook_actuals.csv",
    ).model_copy(update={"actuals": ()})


VCIO_NUMBER = {"Dana Whitfield": 1, "Marcus Lee": 2, "Priya Raman": 3}


def type_count(wb: openpyxl.Workbook, vcio: str, month_index: int, header: str, value: object) -> str:
    cell = table_cell(wb, f"Actuals_{VCIO_NUMBER[vcio]}", month_index, header)
    cell.value = value
    return f"{cell.parent.title}!{cell.coordinate}"


def edited(tmp_path: Path, book: PlaybookBook, edit) -> object:  # type: ignore[no-untyped-def]
    return shared_edited(tmp_path, "playbook", book, edit, "pb.xlsx")


def test_workbook_reads_back_to_the_same_model(tmp_path: Path, sample: PlaybookBook) -> None:
    path = build(tmp_path, "playbook", sample, "pb.xlsx")
    loaded = read_workbook(path)
    assert loaded.ok, [str(i) for i in loaded.issues]
    got = loaded.model
    assert isinstance(got, PlaybookBook)
    # the workbook has a row for each vCIO's every month: blank until typed
    assert len(got.actuals) == 12 * len(sample.team)
    assert all(not a.typed() for a in got.actuals)
    assert got.model_copy(update={"actuals": ()}) == sample
    assert {s for s in openpyxl.load_workbook(path).sheetnames} >= {
        "Summary",
        "Dana Whitfield",
        "Marcus Lee",
        "Priya Raman",
        "Portfolio",
        "Cadence",
        "Schedule",
        "Settings",
    }


def test_typed_counts_are_read_back_with_their_vcio_and_month(tmp_path: Path, sample: PlaybookBook) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        type_count(wb, "Marcus Lee", 2, "Unique Client Touches", 41)
        type_count(wb, "Priya Raman", 0, "# of Client Meetings", 0)

    loaded, _ = edited(tmp_path, sample, edit)
    typed = {(a.vcio, a.month): a.typed() for a in loaded.model.actuals if a.typed()}  # type: ignore[union-attr]
    assert typed == {
        ("Marcus Lee", dt.date(2025, 3, 1)): {"touches": 41},
        ("Priya Raman", dt.date(2025, 1, 1)): {"meetings": 0},  # a typed 0 is kept, unlike a blank
    }


def test_bad_counts_are_located(tmp_path: Path, sample: PlaybookBook) -> None:
    def edit(wb: openpyxl.Workbook) -> tuple[str, str]:
        return (
            type_count(wb, "Dana Whitfield", 1, "Escalated Issues", -2),
            type_count(wb, "Marcus Lee", 3, "Budgets Completed", "two"),
        )

    loaded, (negative, text) = edited(tmp_path, sample, edit)
    messages = [str(i) for i in loaded.issues]
    assert not loaded.ok
    assert any(m.startswith(f"{negative}: ") and "≥ 0" in m and "-2" in m for m in messages), messages
    assert any(m.startswith(f"{text}: ") and "two" in m for m in messages), messages


def test_a_month_beyond_today_is_a_warning(tmp_path: Path, sample: PlaybookBook) -> None:
    future = sample.model_copy(update={"year": year_of(2099, 1, dt.date(2099, 1, 1))})

    def edit(wb: openpyxl.Workbook) -> str:
        return type_count(wb, "Dana Whitfield", 4, "Proposals Completed", 3)

    loaded, where = edited(tmp_path, future, edit)
    assert loaded.ok  # a warning, not an error
    assert [str(i) for i in loaded.issues] == [
        f"{where}: warning: counts typed for May 2099, which has not started yet (today is {dt.date.today()})"
    ]


def test_a_vcio_with_no_clients_and_an_unknown_vcio(tmp_path: Path, sample: PlaybookBook) -> None:
    def edit(wb: openpyxl.Workbook) -> tuple[str, str]:
        new = table_cell(wb, "Team", 3, "vCIO")  # typed below the table: a vCIO with no clients yet
        new.value = "Sam Ortiz"
        typo = table_cell(wb, "Portfolio", 1, "vCIO")  # Fabrikam's vCIO misspelt: not on the roster
        typo.value = "Dana Whitfeld"
        return f"Summary!{new.coordinate}", f"Portfolio!{typo.coordinate}"

    loaded, (new_vcio, typo) = edited(tmp_path, sample, edit)
    messages = [str(i) for i in loaded.issues]
    assert f"{new_vcio}: warning: vCIO 'Sam Ortiz' has no clients in the portfolio" in messages
    assert f"{typo}: vCIO 'Dana Whitfeld' of 'Fabrikam Legal' is not on the team roster" in messages


def test_hostile_names_stay_text(tmp_path: Path) -> None:
    clients = [
        PortfolioClient(name='=HYPERLINK("http://x","y")', mrr=D(3000), complexity=5, vcio="=1+1"),
        PortfolioClient(name="B", mrr=D(3000), complexity=5, vcio="Ana [West]: *lead*?"),
    ]
    path = build(tmp_path, "playbook", book_of(clients), "pb.xlsx")
    wb = openpyxl.load_workbook(path)
    name = table_cell(wb, "Portfolio", 0, "Client")
    assert name.value == '=HYPERLINK("http://x","y")' and name.data_type == "s"
    assert "Ana -West-- -lead--" in wb.sheetnames  # characters Excel forbids in a sheet name replaced
    loaded = read_workbook(path)
    assert loaded.ok and loaded.model.clients[0].name == '=HYPERLINK("http://x","y")'  # type: ignore[union-attr]


# --- carry-over ---------------------------------------------------------------------------


def test_carry_over_keeps_counts_of_a_vcio_who_lost_every_client(
    tmp_path: Path, sample: PlaybookBook
) -> None:
    typed = (MonthActuals(vcio="Priya Raman", month=dt.date(2025, 2, 1), touches=30, budgets=2),)
    last = sample.model_copy(update={"actuals": typed})
    path = build(tmp_path, "playbook", last, "last.xlsx")
    new = tmp_path / "new.csv"
    new.write_text(
        "Client,MRR,Complexity,vCIO\nFabrikam Legal,3000,5,Dana Whitfield\nNewco,4000,6,Lee Chan\n"
    )
    loaded = read_workbook(path)
    rebuilt = carry_over(loaded.model, new)  # type: ignore[arg-type]
    assert [v.name for v in rebuilt.team] == ["Dana Whitfield", "Marcus Lee", "Priya Raman", "Lee Chan"]
    out = build(tmp_path, "playbook", rebuilt, "rebuilt.xlsx")
    again = read_workbook(out)
    assert again.ok
    kept = [a for a in again.model.actuals if a.typed()]  # type: ignore[union-attr]
    assert [(a.vcio, a.month, a.typed()) for a in kept] == [
        ("Priya Raman", dt.date(2025, 2, 1), {"touches": 30, "budgets": 2})
    ]
    warnings = [str(i) for i in again.issues]
    assert any("'Marcus Lee' has no clients" in w for w in warnings)


# --- the carry-over property ----------------------------------------------------------------

VCIOS = ("Dana Whitfield", "Marcus Lee", "Priya Raman")


@st.composite
def portfolios_and_typing(
    draw: st.DrawFn,
) -> tuple[list[tuple[str, int, str]], list[tuple[str, int, int, int]], list[tuple[str, int, str]]]:
    """An old portfolio, counts typed into the old workbook, and a changed portfolio."""
    n = draw(st.integers(1, 6))
    old = [(f"Client {i}", draw(st.integers(1, 10)), draw(st.sampled_from(VCIOS))) for i in range(n)]
    vcios = sorted({v for _, _, v in old}, key=VCIOS.index)
    typing = draw(
        st.lists(
            st.tuples(st.sampled_from(vcios), st.integers(0, 11), st.integers(0, 5), st.integers(0, 500)),
            min_size=1,
            max_size=10,
            unique_by=lambda t: (t[0], t[1], t[2]),
        )
    )
    kept = [c for c in old if draw(st.booleans())]  # clients lost mid-year (maybe every one of a vCIO's)
    added = [
        (f"New {i}", draw(st.integers(1, 10)), draw(st.sampled_from((*VCIOS, "Lee Chan"))))
        for i in range(draw(st.integers(0 if kept else 1, 3)))
    ]
    return old, typing, kept + added


def _portfolio_csv(path: Path, clients: list[tuple[str, int, str]]) -> Path:
    path.write_text("Client,MRR,Complexity,vCIO\n" + "".join(f"{n},3000,{c},{v}\n" for n, c, v in clients))
    return path


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=portfolios_and_typing())
def test_typed_counts_survive_a_rebuild_for_a_changed_portfolio(tmp_path: Path, case) -> None:  # type: ignore[no-untyped-def]
    old, typing, new = case
    start = new_playbook(_portfolio_csv(tmp_path / "old.csv", old), 2025, as_of=dt.date(2025, 12, 31))
    path = build(tmp_path, "playbook", start, "last.xlsx")
    wb = openpyxl.load_workbook(path)
    number = {v.name: i + 1 for i, v in enumerate(start.team)}
    for vcio, month, activity, value in typing:
        table_cell(wb, f"Actuals_{number[vcio]}", month, ACTIVITIES[activity][1]).value = value
    wb.save(path)
    last = read_workbook(path)
    assert last.ok, [str(i) for i in last.issues]
    rebuilt = carry_over(last.model, _portfolio_csv(tmp_path / "new.csv", new))  # type: ignore[arg-type]
    again = read_workbook(build(tmp_path, "playbook", rebuilt, "rebuilt.xlsx"))
    assert again.ok, [str(i) for i in again.issues]
    got = {
        (a.vcio, a.month.month - 1, k): v
        for a in again.model.actuals  # type: ignore[union-attr]
        for k, v in a.typed().items()
    }
    want = {(vcio, month, ACTIVITIES[activity][0]): value for vcio, month, activity, value in typing}
    assert got == want


@pytest.mark.parametrize(
    ("first_month", "fiscal_start", "due"),
    [
        (1, 1, dt.date(2025, 12, 1)),  # January fiscal year: present the budget in December
        (1, 7, dt.date(2025, 6, 1)),  # July fiscal year: June
        (4, 4, dt.date(2026, 3, 1)),  # playbook year April 2025 – March 2026: March 2026
        (4, 1, dt.date(2025, 12, 1)),
    ],
)
def test_budget_due_the_month_before_the_fiscal_year(
    first_month: int, fiscal_start: int, due: dt.date
) -> None:
    assert calc.budget_month(year_of(2025, first_month, dt.date(2025, 5, 1)), fiscal_start) == due


def test_portfolio_from_an_xlsx_export(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Export"
    ws.append(["Company", "Monthly recurring revenue", "Seats", "Complexity (1-10)", "Assigned vCIO"])
    ws.append(["Contoso", 1500, 12, 8, "Dana"])
    ws.append(["Fabrikam", "$3,000.00", 24, 12, "Dana"])
    path = tmp_path / "portfolio.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as err:
        load_portfolio(path)
    assert [str(i) for i in err.value.issues] == ["portfolio.xlsx:Export!D3: Complexity must be ≤ 10, got 12"]
    ws["D3"] = 5
    wb.save(path)
    clients = load_portfolio(path)
    assert [(c.name, c.mrr, c.users) for c in clients] == [
        ("Contoso", D(1500), 12),
        ("Fabrikam", D(3000), 24),
    ]


def test_a_count_stored_as_text_is_read_with_a_warning(tmp_path: Path, sample: PlaybookBook) -> None:
    """Pasted "25" is understood, but the workbook's formulas would not count it: say so."""

    def edit(wb: openpyxl.Workbook) -> str:
        return type_count(wb, "Dana Whitfield", 0, "Unique Client Touches", "25")

    loaded, where = edited(tmp_path, sample, edit)
    assert loaded.ok
    assert [a.touches for a in loaded.model.actuals if a.typed()] == [25]  # type: ignore[union-attr]
    assert [str(i) for i in loaded.issues] == [
        f"{where}: warning: Unique Client Touches is a number stored as text: it is read, but the "
        "workbook's formulas may not take it for a number; type it again as a number"
    ]


def test_sheet_names_never_end_on_an_apostrophe() -> None:
    from xl_engage.kinds.playbook import sheet_names

    names = sheet_names(["Christopher Montgomery-Smyth O'Neil", "'Quoted'", "A/B", "A:B", "summary"])
    assert names == ["Christopher Montgomery-Smyth O", "Quoted", "A-B", "A-B (2)", "summary (2)"]


def test_next_years_playbook_built_ahead_is_not_behind() -> None:
    clients = [PortfolioClient(name="A", mrr=D(3000), complexity=5, vcio="Dana")]
    book = book_of(clients).model_copy(update={"year": year_of(2027, 1, dt.date(2026, 11, 22))})
    r = calc.calculate(book)
    assert r.elapsed == 0 and {s.on_track for s in r.vcios[0].status.values()} == {calc.ON_TRACK}
    assert r.weeks_left == 48


def test_only_typed_rows_must_fall_in_the_year() -> None:
    clients = [PortfolioClient(name="A", mrr=D(3000), complexity=5, vcio="Dana")]
    blank = (MonthActuals(vcio="Dana", month=dt.date(2024, 3, 1)),)
    assert not [p for p in calc.check(book_of(clients, actuals=blank), TODAY_) if p.severity == "error"]
    typed = (MonthActuals(vcio="Dana", month=dt.date(2024, 3, 1), meetings=2),)
    assert [p.message for p in calc.check(book_of(clients, actuals=typed), TODAY_)] == [
        "March 2024 is outside the playbook year (Jan 2025–Dec 2025)"
    ]


TODAY_ = dt.date(2026, 11, 22)


def test_the_summary_says_to_which_month_progress_runs(tmp_path: Path, sample: PlaybookBook) -> None:
    """The months after the as-of month are blank: the summary says which month that is, live
    from the Settings input (a decision maker's review had to infer it)."""
    path = build(tmp_path, "playbook", sample, "pb.xlsx")
    wb = openpyxl.load_workbook(path)
    sheet, ref = next(iter(wb.defined_names["ProgressShownTo"].destinations))
    cell = wb[sheet][ref.replace("$", "")]
    assert sheet == "Summary" and cell.value == "=AsOf"
    label = wb[sheet].cell(cell.row, cell.column - 1).value
    assert label == "Progress to the end of"
    shown = openpyxl.load_workbook(path, data_only=True)[sheet][cell.coordinate].value
    assert shown.date() == dt.date(2025, 6, 30)  # the AsOf input's date, shown as its month
    assert cell.number_format == "mmm yyyy"
