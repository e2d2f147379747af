"""The one reader: any generated (and user-edited) workbook back to (model, issues).

It finds inputs by table name and defined name, never by fixed coordinates, so users may
insert rows, sort, move blocks and add columns of their own. The hidden metadata sheet says
which kind of workbook this is; a workbook this version cannot read is refused clearly.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from xl_engage.a1 import where as cell_where
from xl_engage.coerce import coerce, is_blank, to_text
from xl_engage.formula_refs import portable, user_column
from xl_engage.gcpause import gc_paused
from xl_engage.issues import Issue, NotAWorkbookError, errors
from xl_engage.kinds import Kind, get_kind
from xl_engage.layout import escape_header, header_key
from xl_engage.metadata import METADATA_SHEET, USER_FORMULAS
from xl_engage.models.base import UserFormula
from xl_engage.tabular import Loc, read_table
from xl_engage.validate import locate_problems, validate
from xl_engage.xlsx import TableRef, XlsxFile, open_xlsx


@dataclass
class Loaded:
    """What reading a workbook gives: its kind, the model if valid, and every issue."""

    kind: Kind
    model: BaseModel | None
    issues: list[Issue] = field(default_factory=list)
    places: Mapping[Loc, str] = field(default_factory=dict)
    """Where each input was read: (field, row, column) or a dotted path -> "Sheet!A1"."""

    @property
    def ok(self) -> bool:
        return self.model is not None and not errors(self.issues)


def read_metadata(xlsx: XlsxFile) -> dict[str, str]:
    if METADATA_SHEET not in xlsx.sheet_names:
        raise NotAWorkbookError(
            f"{xlsx.path}: not an xl_engage workbook (it has no '{METADATA_SHEET}' sheet)"
        )
    meta: dict[str, str] = {}
    for row in xlsx.grid(METADATA_SHEET):
        if len(row) >= 2 and not is_blank(row[0]):
            value = row[1]  # as written: a user's column name may end in a tab
            meta[to_text(row[0])] = value if isinstance(value, str) else to_text(value)
    return meta


def _set_path(data: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def read_workbook(path: Path | str) -> Loaded:
    """Read a workbook of any registered kind; raise NotAWorkbookError if it is not one."""
    xlsx = open_xlsx(path)
    meta = read_metadata(xlsx)
    kind = get_kind(meta.get("kind", ""))
    if kind is None:
        if meta.get("kind") == "functions":  # the function pack (function_pack.py): no model to read
            raise NotAWorkbookError(
                f"{xlsx.path}: this is the function pack (xl-engage functions): it holds the Excel "
                "functions and their examples, not a model to check or rebuild"
            )
        raise NotAWorkbookError(f"{xlsx.path}: unknown xl_engage workbook kind {meta.get('kind')!r}")
    try:
        version = int(float(meta.get("schema_version", "")))
    except ValueError:
        raise NotAWorkbookError(f"{xlsx.path}: its metadata has no valid schema_version") from None
    if version > kind.schema_version:
        raise NotAWorkbookError(
            f"{xlsx.path}: made by a newer xl_engage ({kind.name} schema {version}); "
            f"this version reads schema {kind.schema_version} or older. Upgrade xl_engage."
        )
    with gc_paused():  # a large table's rows and models all live on: collecting finds nothing
        return read_kind(xlsx, kind, meta)


def _keep_formula(
    row: dict[str, Any], spec: Any, header: str, text: str, r: int, names: _Names, table: str
) -> bool:
    """A formula in the user's own column, referring only to cells of its row, is kept (as
    a ``UserFormula`` in place of its value); False when it cannot be kept."""
    extras = row.setdefault(spec.extras_field, {}) if spec.extras_field == "extras" else None
    if not isinstance(extras, dict):
        return False
    formula = portable(text, r, names, table, names.shown)
    if formula is None:
        return False
    value = extras.get(header)  # blank when no program has computed it yet (or it shows an error)
    extras[header] = UserFormula(formula=formula, value=None if isinstance(value, UserFormula) else value)
    return True


class _Names(dict[int, str]):
    """Each column's name in a kept formula, by position; ``shown``: a user column's header as
    the file shows it (escaped) -> its placeholder."""

    shown: dict[str, str]


def _reference_names(
    grid: list[list[Any]], ref: TableRef, spec: Any, got: Any, meta: dict[str, str]
) -> _Names:
    """Each column of the table as a kept formula names it: a column of the table's own
    (calculated ones included) by its header, escaped; one of the user's by a placeholder
    holding the name the user gave it (the renderer writes the name it is shown under)."""
    renamed = {
        k[len(f"column:{ref.name}:") :]: v for k, v in meta.items() if k.startswith(f"column:{ref.name}:")
    }
    own = {header_key(c.header): c.header for c in spec.columns}
    for c in spec.columns:
        own.update({header_key(a): c.header for a in c.aliases})
    row = grid[ref.header_row] if ref.header_row < len(grid) else []
    out = _Names()
    out.shown = {}
    for c in range(ref.first_col, min(ref.last_col + 1, len(row))):
        shown = to_text(row[c])
        if c in got.extra_columns:
            out[c] = user_column(renamed.get(got.extra_columns[c], got.extra_columns[c]))
            out.shown[escape_header(shown)] = out[c]
        elif header_key(shown) in own:
            out[c] = escape_header(own[header_key(shown)])
    return out


def _errors_and_formulas(
    xlsx: XlsxFile, ref: TableRef, spec: Any, got: Any, meta: dict[str, str]
) -> list[Issue]:
    """An input cell holding an error value (``#N/A``, ``#REF!``) is an error at that cell:
    read as blank it would be rebuilt blank, silently. One holding the user's formula is read
    as its value, with a warning that a rebuild writes the value. A formula in the user's own
    column that refers only to its own row is kept (see ``formula_refs``)."""
    sheet = ref.sheet
    rows, cols = got.where.table_cells(spec.field)
    kept = meta.get(f"{USER_FORMULAS}{ref.name}") == "yes"  # a rebuilt file: its kept formulas
    special = xlsx.special_cells(sheet, [*cols.values(), *got.extra_columns], always=kept)
    if not special:
        return []
    row_of = {r: i for i, r in enumerate(rows)}
    key_of = {c: k for k, c in cols.items()}
    names = _reference_names(xlsx.grid(sheet), ref, spec, got, meta)
    out = []
    column_said: set[tuple[str, int]] = set()
    for (r, c), (what, text) in sorted(special.items()):
        if r not in row_of:
            continue
        if c in got.extra_columns:  # the user's own column
            header = got.extra_columns[c]
            if what == "error":
                out.append(
                    Issue(
                        cell_where(sheet, r, c), f"{header} holds the error {text}: type a value, or clear it"
                    )
                )
            elif _keep_formula(got.rows[row_of[r]], spec, header, text, r, names, ref.name):
                pass  # kept as a formula: the rebuild writes it again
            elif (what, c) not in column_said:  # once per column: a column of them is one fix
                column_said.add((what, c))
                out.append(_column_formulas(cell_where(sheet, r, c), header, text, what))
            continue
        if c not in key_of:
            continue
        label = spec.column(key_of[c]).header
        if what == "error":
            out.append(
                Issue(cell_where(sheet, r, c), f"{label} holds the error {text}: type a value, or clear it")
            )
        elif what == "formula-error":
            out.append(
                Issue(
                    cell_where(sheet, r, c),
                    f"{label} is a formula (={text}) that shows an error: type a value, or fix the formula",
                )
            )
        elif what == "formula-uncalculated":
            out.append(Issue(cell_where(sheet, r, c), uncalculated(label, text)))
        else:
            out.append(
                Issue(
                    cell_where(sheet, r, c),
                    f"{label} is a formula (={text}): its value is read, and a rebuild writes that value, "
                    "not the formula",
                    "warning",
                )
            )
    return out


NOT_YET_CHECKED = (
    "the checks across rows (names that must match another sheet, rules, totals) run once the "
    "problems above are fixed: check the workbook again then"
)


NOT_CALCULATED = "(the program that saved the file does not calculate)"


def _column_formulas(where: str, header: str, text: str, what: str) -> Issue:
    """The user's own column holds formulas reaching other rows: their values are kept (a
    warning), and where they were saved without any, there is nothing to keep (an error)."""
    if what == "formula-uncalculated":
        return Issue(
            where,
            f"your column '{header}' holds formulas (={text}…) saved without their values "
            f"{NOT_CALCULATED}, and a rebuild keeps values: open the file in Excel or LibreOffice and "
            "save it, or type the values",
        )
    return Issue(
        where,
        f"your column '{header}' holds formulas (={text}…) that refer to cells outside their row (or "
        "ask for a position: ROW, OFFSET, INDIRECT): their values are kept, and a rebuild writes the "
        "values. To keep a formula, refer only to cells of its own row",
        "warning",
    )


def uncalculated(label: str, text: str) -> str:
    """A formula saved with no value: read as blank, it would drop out of every total."""
    return (
        f"{label} is a formula (={text}) saved without its value {NOT_CALCULATED}: open the file in "
        "Excel or LibreOffice and save it, or type the value"
    )


def _restore_names(rows: list[dict[str, Any]], spec: Any, table: str, meta: dict[str, str]) -> None:
    """The user's own columns under the names they gave them: the renderer shows a column
    that clashed with the table's own ("Status" beside the calculated Status) as "Status (2)"
    and records its name in the metadata."""
    prefix = f"column:{table}:"
    renamed = {k[len(prefix) :]: v for k, v in meta.items() if k.startswith(prefix)}
    if not renamed:
        return
    for row in rows:
        extras = row.get(spec.extras_field)
        if isinstance(extras, dict) and renamed.keys() & extras.keys():
            row[spec.extras_field] = {renamed.get(k, k): v for k, v in extras.items()}


def _locator(sheet: str) -> Callable[[int, int], str]:
    """A table's cells as ``Sheet!A1``, named only when an issue needs them."""
    return lambda r, c: cell_where(sheet, r, c)


def read_kind(xlsx: XlsxFile, kind: Kind, meta: dict[str, str] | None = None) -> Loaded:
    meta = meta or {}
    data: dict[str, Any] = {}
    cells: dict[Loc, str] = {}
    where: ChainMap[Loc, str] = ChainMap(cells)
    named: dict[Loc, str] = {}
    labels: ChainMap[Loc, str] = ChainMap(named)
    issues: list[Issue] = []
    missing: set[tuple[str, str]] = set()
    fallback = xlsx.sheet_names[0] if xlsx.sheet_names else str(xlsx.path)
    for spec in kind.schema.tables:
        refs = xlsx.family(spec.name) if spec.family else [r for r in [xlsx.table(spec.name)] if r]
        if not refs:
            issues.append(
                Issue(
                    spec.sheet,
                    f"table '{spec.name}' is missing; it holds {spec.title or spec.field}",
                )
            )
            data[spec.field] = []
            missing.add((spec.field, "*"))
            continue
        data[spec.field] = []
        for ref in refs:
            grid = xlsx.grid(ref.sheet)
            got = read_table(
                spec,
                grid,
                ref.header_row,
                _locator(ref.sheet),
                first_col=ref.first_col,
                last_data_row=ref.last_row,
                keep_going=not ref.has_totals,  # below a totals row nothing belongs to the table
                spreadsheet=True,
            )
            said = _errors_and_formulas(xlsx, ref, spec, got, meta)
            # a cell said to hold an error or a formula with no value reads blank: "is required"
            # there would only repeat it less helpfully
            blanked = {i.where for i in said if i.severity == "error"}
            got.issues = [
                i for i in got.issues if not (i.where in blanked and i.message.endswith(" is required"))
            ]
            got.issues += said
            _restore_names(got.rows, spec, ref.name, meta)
            offset = len(data[spec.field])
            places = got.where
            if offset:  # a family's later tables continue the numbering of the list
                places = places.renumbered(spec.field, {i: offset + i for i in range(len(got.rows))})
            data[spec.field].extend(got.rows)
            where.maps.append(places)  # type: ignore[arg-type]  # read-only: looked up, never written
            labels.maps.append(got.labels)  # type: ignore[arg-type]  # read-only, as above
            where.setdefault((spec.field,), cell_where(ref.sheet, ref.header_row, ref.first_col))
            issues.extend(got.issues)
            missing.update((spec.field, key) for key in got.missing)
    for cell in kind.schema.input_cells:
        loc: Loc = tuple(cell.key.split("."))
        found = xlsx.names.get(cell.name.casefold())
        if found is None or found[0] not in xlsx.sheet_names:
            issues.append(Issue(fallback, f"the named cell '{cell.name}' ({cell.label}) is missing"))
            missing.add((cell.key, "*"))
            continue
        sheet, row, col = found
        where[loc] = cell_where(sheet, row, col)
        labels[loc] = cell.label
        odd = xlsx.special_cells(sheet, [col]).get((row, col))
        if odd is not None and odd[0] == "error":
            issues.append(
                Issue(where[loc], f"{cell.label} holds the error {odd[1]}: type a value, or clear it")
            )
            continue
        if odd is not None and odd[0] == "formula-uncalculated":
            issues.append(Issue(where[loc], uncalculated(cell.label, odd[1])))
            continue
        if odd is not None:
            issues.append(
                Issue(
                    where[loc],
                    f"{cell.label} is a formula (={odd[1]}): its value is read, and a rebuild writes that "
                    "value, not the formula",
                    "warning",
                )
            )
        raw = xlsx.value(sheet, row, col)
        if is_blank(raw):
            if cell.required:
                issues.append(Issue(where[loc], f"{cell.label} is required"))
            continue
        try:
            _set_path(data, cell.key, coerce(raw, cell.kind, cell.choices))
        except ValueError as exc:
            issues.append(Issue(where[loc], f"{cell.label} {exc}"))

    def suppressed(loc: Loc) -> bool:
        if not loc:
            return False
        dotted = ".".join(str(p) for p in loc)
        if any(dotted == k or dotted.startswith(k + ".") for k, star in missing if star == "*"):
            return True
        return len(loc) >= 3 and (str(loc[0]), str(loc[2])) in missing

    model, invalid = validate(kind.model, data, where, labels, fallback, issues, suppressed)
    issues.extend(invalid)
    if model is not None:
        issues.extend(locate_problems(kind.check(model), where, fallback))
    elif errors(issues):  # said, so a user fixing the list above does not take it for the whole
        issues.append(Issue(fallback, NOT_YET_CHECKED, "note"))
    if errors(issues):
        return Loaded(kind, None, issues, where)
    return Loaded(kind, model, issues, where)
