"""Responsibility matrices: the rules by hand, the library, edits and bad input."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.helpers import build
from tests.helpers import edited as shared_edited
from xl_engage.calc import raci as calc
from xl_engage.inputs.raci import load_library, start_matrix
from xl_engage.models.raci import Area, Party, RaciBook
from xl_engage.reader import read_workbook

PARTIES = (
    Party(name="TAM", side="MSP"),
    Party(name="IT Coordinator", side="Client"),
    Party(name="ISP", side="Vendor"),
)


def book(*areas: Area, parties: tuple[Party, ...] = PARTIES) -> RaciBook:
    return RaciBook(client="Acme", parties=parties, areas=areas)


def test_a_and_a_r_are_two_accountables() -> None:
    b = book(Area(category="Backup", name="Offsite backup", codes={"TAM": "A", "IT Coordinator": "A/R"}))
    (r,) = calc.calculate(b).areas
    assert (r.a_count, r.r_count, r.status) == (2, 1, calc.SEVERAL_A)
    assert next(p.message for p in calc.findings(b)) == (
        "'Offsite backup' has 2 accountable parties: TAM, IT Coordinator"
    )


def test_only_c_and_i_has_no_responsible() -> None:
    b = book(Area(category="Backup", name="Review", codes={"TAM": "C", "ISP": "I"}))
    (r,) = calc.calculate(b).areas
    assert (r.a_count, r.r_count, r.status) == (0, 0, calc.NO_A)
    assert "'Review' has no responsible party" in [p.message for p in calc.findings(b)]


def test_sixty_percent_accountable_is_overloaded_at_fifty() -> None:
    # TAM is A on 3 of 5 areas = 60 % > 50 %
    areas = [Area(category="C", name=f"Area {i}", codes={"TAM": "A", "ISP": "R"}) for i in range(3)]
    areas += [Area(category="C", name=f"Other {i}", codes={"IT Coordinator": "A/R"}) for i in range(2)]
    r = calc.calculate(book(*areas))
    tam = r.parties[0]
    assert (tam.a_count, tam.share_a, tam.load) == (3, Decimal("0.6"), calc.OVERLOADED)
    it = r.parties[1]  # A/R on 2 of 5 = 40 %: fine
    assert (it.share_a, it.share_r, it.load) == (Decimal("0.4"), Decimal("0.4"), calc.OK)


def test_single_point_of_failure_on_high_areas() -> None:
    areas = [
        Area(category="Sec", name=f"H{i}", criticality="high", codes={"ISP": "R", "TAM": "A"})
        for i in range(5)
    ]
    areas += [
        Area(category="Sec", name=f"L{i}", criticality="low", codes={"IT Coordinator": "A/R"})
        for i in range(6)
    ]
    b = book(*areas)
    isp = calc.calculate(b).parties[2]
    assert (isp.sole_r_high, isp.load) == (5, calc.SPOF)  # default threshold: 5 high areas


def test_lowercase_codes_are_normalised() -> None:
    area = Area(category="C", name="x", codes={"TAM": "r", "ISP": "a / r"})
    assert area.codes == {"TAM": "R", "ISP": "A/R"}


def test_library_defaults_keep_the_rules() -> None:
    library = load_library()
    assert len(library.parties) >= 15 and len(library.areas) >= 200
    for maturity in (1, 3, 5):
        b = start_matrix("Acme", "template", maturity)
        assert calc.findings(b) == [], maturity
    blank = start_matrix("Acme", "blank")
    assert all(a.codes == {} for a in blank.areas)


def edited(tmp_path: Path, b: RaciBook, edit) -> object:  # type: ignore[no-untyped-def]
    return shared_edited(tmp_path, "raci", b, lambda wb: edit(wb["Matrix"]))[0]


BASE = book(
    Area(category="Backup", name="Check backup", criticality="high", codes={"TAM": "A", "ISP": "R"}),
    Area(category="Backup", name="Test restore", codes={"TAM": "A/R"}),
)
# Matrix sheet: title, note, side labels in row 4, header in row 5; columns A Category … G Status,
# then parties H TAM, I IT Coordinator, J ISP (sorted MSP, Client, Vendor).


def test_round_trip(tmp_path: Path) -> None:
    loaded = read_workbook(build(tmp_path, "raci", BASE))
    assert loaded.ok and loaded.model == BASE


def test_code_x_is_located(tmp_path: Path) -> None:
    loaded = edited(tmp_path, BASE, lambda ws: ws.__setitem__("J6", "X"))
    assert [str(i) for i in loaded.issues if i.severity == "error"] == [
        "Matrix!J6: ISP must be one of R, A, C, I, A/R; got 'X'"
    ]


def test_lowercase_r_typed_in_the_sheet_is_accepted(tmp_path: Path) -> None:
    loaded = edited(tmp_path, BASE, lambda ws: ws.__setitem__("I7", "r"))
    assert loaded.ok and loaded.model.areas[1].codes["IT Coordinator"] == "R"


def test_duplicated_party_column(tmp_path: Path) -> None:
    loaded = edited(tmp_path, BASE, lambda ws: ws.__setitem__("J5", "TAM"))
    assert [str(i) for i in loaded.issues if i.severity == "error"] == [
        "Matrix!J5: column 'TAM' appears twice (also at Matrix!H5); keep one"
    ]


def test_area_repeated_in_a_category(tmp_path: Path) -> None:
    loaded = edited(tmp_path, BASE, lambda ws: ws.__setitem__("B7", "check backup"))
    assert [str(i) for i in loaded.issues if i.severity == "error"] == [
        "Matrix!B7: area 'check backup' appears more than once in 'Backup'"
    ]


def test_empty_matrix(tmp_path: Path) -> None:
    loaded = read_workbook(build(tmp_path, "raci", book()))
    assert [i.message for i in loaded.issues if i.severity == "error"] == [
        "the matrix has no responsibility areas"
    ]


def test_added_party_column_and_area_are_accepted(tmp_path: Path) -> None:
    def edit(ws) -> None:  # type: ignore[no-untyped-def]
        ws["K5"] = "Security Firm"
        ws["K6"] = "C"
        for col, value in zip(
            "ABCDEFGHIJ",
            ["Security", "Review EDR alerts", "", "high", None, None, None, "A", None, "R"],
            strict=True,
        ):
            ws[f"{col}8"] = value

    loaded = edited(tmp_path, BASE, edit)
    assert loaded.ok, loaded.issues
    model = loaded.model
    assert [p.name for p in model.parties][-1] == "Security Firm"
    assert model.areas[0].codes["Security Firm"] == "C"
    assert model.areas[2].name == "Review EDR alerts" and model.areas[2].codes == {"TAM": "A", "ISP": "R"}


@pytest.mark.parametrize("maturity", [1, 4])
def test_library_matrix_round_trips(tmp_path: Path, maturity: int) -> None:
    b = start_matrix("Acme", "template", maturity)
    loaded = read_workbook(build(tmp_path, "raci", b))
    assert loaded.ok and loaded.model == b and loaded.issues == []
