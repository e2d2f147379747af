"""``xl-engage inspect``: what the importer sees in an export, without building anything.

When a file does not go in, the user needs the reader's view of it: how the bytes were
decoded, which line it took for the header, which of the file's columns fill which of ours
and which it left alone (and why), how it read dates and decimals, which lines it skipped,
and every problem at its line. Everything here is computed by the readers and loaders the
import itself uses, so what ``inspect`` says is what the import does; this module only
gathers it and lays it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from xl_engage.a1 import col_letters
from xl_engage.coerce import date_order, decimal_mark, is_blank, mark_evidence, to_text
from xl_engage.inputs.files import FileRead, read_table_file
from xl_engage.inputs.mapping import MappingFile, check_targets, import_settings, load_mapping
from xl_engage.inputs.report import HEADER_SEARCH_ROWS, REASONS
from xl_engage.issues import InputError, Issue, XleError
from xl_engage.layout import Column, TableSpec
from xl_engage.models.base import key
from xl_engage.tabular import HeaderNames, ImportSettings, match_columns, normalise_header

KINDS = ("inventory", "ledger", "clients", "portfolio")
"""What a file can be inspected as (``--as``)."""

_WHAT = {
    "inventory": "an inventory",
    "ledger": "a ledger",
    "clients": "a client list",
    "portfolio": "a portfolio",
}
_MAPPED = ("inventory", "ledger")
"""The kinds whose import reads a mapping file (``budget`` and ``reconcile --mapping``)."""
_NUMBER_KINDS = ("number", "hours", "money", "percent", "ratio", "int")
_LEDGER_AMOUNTS = ("amount", "debit", "credit")
"""The ledger's amount columns are read as text and parsed by the ledger loader."""
SHOW_LINES = 5
"""Line numbers shown per skip reason: the first few say where to look."""
SHOW_PROBLEMS = 100
SHOW_NOT_SPEND = 10


def spec_for(kind: str) -> TableSpec:
    """The table spec the import reads ``kind`` against (imported late: each is heavy)."""
    if kind == "inventory":
        from xl_engage.kinds.budget import ASSETS

        return ASSETS
    if kind == "ledger":
        from xl_engage.inputs.reconcile import LEDGER

        return LEDGER
    if kind == "clients":
        from xl_engage.kinds.pricing import CLIENTS

        return CLIENTS
    if kind == "portfolio":
        from xl_engage.kinds.playbook import PORTFOLIO

        return PORTFOLIO
    raise XleError(f"--as must be one of {', '.join(KINDS)}, not {kind!r}")


@dataclass(frozen=True)
class ColumnView:
    """One column of the file, and what the reader does with it."""

    place: str
    header: str
    reading: str


@dataclass(frozen=True)
class TypeCount:
    """An inventory's type text, how many rows carry it, and the policy type it resolves to."""

    text: str
    count: int
    policy_type: str | None


@dataclass(frozen=True)
class LedgerView:
    """What the ledger loader made of the file."""

    count: int
    total: Decimal
    first: dt.date | None
    last: dt.date | None
    not_spend: tuple[Issue, ...]
    spend_negative: bool


@dataclass
class Inspection:
    """Everything ``inspect`` says about one file."""

    path: Path
    kind: str
    read: FileRead
    columns: list[ColumnView] = field(default_factory=list)
    decisions: list[tuple[str, str]] = field(default_factory=list)
    skipped: dict[str, list[int]] = field(default_factory=dict)
    """Reason -> line numbers (1-based), in REASONS order."""
    types: list[TypeCount] | None = None
    types_resolved: bool = False
    ledger: LedgerView | None = None
    problems: list[Issue] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)
    first_lines: list[tuple[int, str]] = field(default_factory=list)
    """With no header row found: the top of the file, as the reader split it."""

    @property
    def header_line(self) -> int | None:
        return None if self.read.shape is None else self.read.shape.header_row + 1

    @property
    def errors(self) -> list[Issue]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def exit_code(self) -> int:
        """0 when the file would import, 1 when it has errors (warnings do not stop an import)."""
        return 1 if self.errors else 0


@dataclass(frozen=True)
class _Options:
    """What the import of the file would be given besides the file."""

    mapping: MappingFile | None
    templates: Path | None
    today: dt.date
    spend_negative: bool


def inspect_file(
    path: Path,
    kind: str,
    mapping_path: Path | None = None,
    templates: Path | None = None,
    spend_negative: bool = False,
    today: dt.date | None = None,
) -> Inspection:
    """Read ``path`` as ``kind`` the way the import does, and say what was found.

    Raises InputError only when nothing can be inspected: the file cannot be read at all
    (missing, empty, binary, not decodable) or the mapping file is refused. Every other
    problem is in the result, located, as the import reports it.
    """
    spec = spec_for(kind)
    mapping = load_mapping(mapping_path) if mapping_path is not None else None
    options = _Options(mapping, templates, today or dt.date.today(), spend_negative)
    settings = _settings(spec, kind, mapping, str(mapping_path))
    read = read_table_file(path, spec, _WHAT[kind], settings)
    found = Inspection(path, kind, read)
    grid = read.grid
    if read.shape is None:
        found.first_lines = first_lines(grid)
    else:
        header = _header(grid[read.shape.header_row])
        match = _match(spec, header, settings)
        found.columns = column_views(spec, header, settings, match, _placer(bool(read.sheet)))
        found.decisions = decisions(spec, grid, read, header, match, settings)
        found.skipped = {
            r: [i + 1 for i in read.shape.skipped[r]] for r in REASONS if r in read.shape.skipped
        }
    loaded = _LOADERS[kind](found, options)
    _sort_issues(found, [*read.issues, *read.notes, *loaded, *_section_note(spec, read, path)])
    if mapping is not None and kind not in _MAPPED:
        found.notes.insert(
            0,
            Issue(
                path.name, f"--mapping is not read by the {kind} import: the file is shown without it", "note"
            ),
        )
    return found


def first_lines(grid: Sequence[Sequence[Any]], count: int = 8, width: int = 100) -> list[tuple[int, str]]:
    """The first non-blank lines (number, cells joined by " | "), so a user whose header was
    not found sees what the reader saw: a wrong separator, a header in another language."""
    out = []
    for r, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        cells = _header(row)
        if not cells:
            continue
        text = " | ".join(to_text(c) for c in cells)
        out.append((r + 1, text if len(text) <= width else text[: width - 1] + "…"))
        if len(out) == count:
            break
    return out


def _settings(spec: TableSpec, kind: str, mapping: MappingFile | None, source: str) -> ImportSettings | None:
    """The mapping's import settings, as the import of ``kind`` uses them (its column targets
    checked: a target naming none of our columns is refused, as the import refuses it)."""
    if mapping is None or kind not in _MAPPED:
        return None
    settings = import_settings(mapping.import_)
    check_targets(spec, settings, source)
    return settings


@dataclass(frozen=True)
class _Match:
    """The reader's matching of a header: our columns, the user's, the second-best ones."""

    known: dict[int, Column]
    extra: dict[int, str]
    alternates: dict[int, list[int]]


def _match(spec: TableSpec, header: Sequence[Any], settings: ImportSettings | None) -> _Match:
    """Match ``header`` exactly as the file reader does (its problems and notes are the
    reader's own, already in the read)."""
    alternates: dict[int, list[int]] = {}
    known, extra = match_columns(spec, header, lambda r, c: "", 0, [], settings, [], alternates)
    return _Match(known, extra, alternates)


def _header(row: Sequence[Any]) -> list[Any]:
    """The header row without its trailing blank cells (the table reader ignores them)."""
    cells = list(row)
    while cells and is_blank(cells[-1]):
        cells.pop()
    return cells


def _placer(sheet: bool) -> Callable[[int], str]:
    """How a column is named to the user: its letter in a workbook, its position in text."""
    return col_letters if sheet else (lambda j: str(j + 1))


def column_views(
    spec: TableSpec,
    header: Sequence[Any],
    settings: ImportSettings | None,
    match: _Match,
    place: Callable[[int], str],
) -> list[ColumnView]:
    """Each header cell with what the reader does with it, decided by the same matching the
    reader uses (the user's mapping first, then our headers, then aliases)."""
    known, extra = match.known, match.extra
    second = {o: known[j] for j, others in match.alternates.items() for o in others}
    winner = {c.key: j for j, c in known.items()}
    names = HeaderNames(spec, settings)
    mapped = {normalise_header(h) for h in (settings.columns if settings else {})}
    views = []
    for j, cell in enumerate(header):
        text = to_text(cell)
        if is_blank(cell):
            reading = "not read: no header"
        elif j in known:
            reading = _filled(known[j], normalise_header(text) in mapped)
        elif j in second:
            first = to_text(header[winner[second[j].key]])
            reading = (
                f"not read: a second-best candidate for {second[j].header} "
                f"(used only where '{first}' is blank)"
            )
        elif j in extra:
            reading = _kept(spec, normalise_header(text) in mapped)
        else:
            reading = _refused(text, names, header, winner)
        views.append(ColumnView(place(j), text, reading))
    return views


def _filled(col: Column, by_mapping: bool) -> str:
    if not col.is_input:
        return f"not read: the workbook calculates {col.header}"
    return f"→ {col.header}" + (" (your mapping)" if by_mapping else "")


def _kept(spec: TableSpec, by_mapping: bool) -> str:
    if not spec.keep_extra_columns:
        return "not read: not one of our columns"
    return "kept as your column" + (" (your mapping)" if by_mapping else "")


def _refused(text: str, names: HeaderNames, header: Sequence[Any], winner: dict[str, int]) -> str:
    """Why a header the reader refused was refused: it repeats another, or it is as good a
    candidate for one of our columns as the column chosen (the import says which to settle)."""
    hit = names.get(text)
    col = hit[0] if hit else None
    if col is None or col.key not in winner:
        return "not read: this header appears twice"
    other = to_text(header[winner[col.key]])
    if normalise_header(other) == normalise_header(text):
        return "not read: this header appears twice"
    return f"not read: as good a candidate for {col.header} as '{other}' (see problems)"


def decisions(
    spec: TableSpec,
    grid: Sequence[Sequence[Any]],
    read: FileRead,
    header: Sequence[Any],
    match: _Match,
    settings: ImportSettings | None,
) -> list[tuple[str, str]]:
    """Per date and number column read: the date order or decimal mark decided, from the
    same data rows the reader decided it on (or as the mapping settled it)."""
    assert read.shape is not None
    # decided as the reader decides: one date order and one decimal mark for the whole file
    dated = [j for j, c in match.known.items() if c.is_input and c.kind in ("date", "month")]
    counted = [
        j
        for j, c in match.known.items()
        if c.is_input
        and (c.kind in _NUMBER_KINDS or (spec.field == "transactions" and c.key in _LEDGER_AMOUNTS))
    ]

    def pooled(columns: list[int]) -> list[Any]:
        return [grid[r][j] for r in read.shape.rows for j in columns if j < len(grid[r])]  # type: ignore[union-attr]

    hint = "," if read.separator == "semicolon" else "."
    date_said = _date_decision(pooled(dated), settings) if dated else ""
    number_said = _number_decision(pooled(counted), settings, hint) if counted else ""
    out = []
    for j, col in match.known.items():
        label = f"{to_text(header[j])} → {col.header}"
        if j in dated:
            out.append((label, date_said))
        elif j in counted:
            out.append((label, number_said))
    return out


def _date_decision(values: Iterable[Any], settings: ImportSettings | None) -> str:
    if settings and settings.date_order:
        return f"{settings.date_order} (your mapping)"
    values = list(values)
    order = date_order(values)
    if order == "either":
        return "either: every date reads both ways; read month-first"
    if order == "mixed":
        return "both day-first and month-first dates: refused (say which in a mapping file)"
    if order:
        return order
    if any(isinstance(v, dt.date) for v in values):
        return "stored as dates (nothing to decide)"
    return "no slash dates (nothing to decide)"


def _number_decision(values: Iterable[Any], settings: ImportSettings | None, hint: str = ".") -> str:
    if settings and settings.decimal_mark:
        name = "decimal comma" if settings.decimal_mark == "," else "decimal point"
        return f"{name} (your mapping)"
    texts = [v for v in values if isinstance(v, str) and v.strip()]
    mark, a, b = decimal_mark(texts, hint)
    if mark == "mixed":
        return f"mixed decimal marks ({a!r} and {b!r}): refused"
    if mark == ",":
        return "decimal comma"
    evidence = {mark_evidence(v) for v in texts}
    if "." in evidence:
        return "decimal point"
    if "?" in evidence:
        if hint == ",":
            return "decimal comma (1.500 could be either: a semicolon file writes decimal commas)"
        return "decimal point (1,250 could be either: read as a thousands comma)"
    if texts:
        return "no decimal mark written (nothing to decide)"
    return "stored as numbers (nothing to decide)"


def _section_note(spec: TableSpec, read: FileRead, path: Path) -> list[Issue]:
    """Say when section headings fill a column the file lacks (a ledger's account)."""
    if not spec.section_field or read.shape is None or not read.shape.sections:
        return []
    col = spec.column(spec.section_field)
    count = len(read.shape.sections)
    return [
        Issue(
            path.name,
            f"{count:,} row(s) take their {col.header} from the section heading above them",
            "note",
        )
    ]


def _sort_issues(found: Inspection, issues: Iterable[Issue]) -> None:
    """Problems (errors, warnings) and notes, each said once, in the order found; the
    summary note of skipped lines is left out (the report lays it out)."""
    seen: set[Issue] = set()
    for issue in issues:
        if issue in seen or _is_skip_summary(issue):
            continue
        seen.add(issue)
        (found.notes if issue.severity == "note" else found.problems).append(issue)


def _is_skip_summary(issue: Issue) -> bool:
    return issue.severity == "note" and issue.message.startswith("header row at line ")


Loader = Callable[[Inspection, _Options], list[Issue]]


def _load_inventory(found: Inspection, options: _Options) -> list[Issue]:
    """The budget import's problems (``budget --name``), and the device types counted and
    resolved by the policy (with the mapping's own type names)."""
    from xl_engage.inputs.budget import start_budget

    found.types, found.types_resolved = type_counts(found.read.rows, options.mapping, options.templates)
    try:
        _, warnings = start_budget(
            "inspect", found.path, options.today, templates=options.templates, mapping=options.mapping
        )
    except InputError as exc:
        return list(exc.issues)
    return warnings


def type_counts(
    rows: Sequence[dict[str, Any]], mapping: MappingFile | None, templates: Path | None
) -> tuple[list[TypeCount], bool]:
    """Each type text with its row count, most first, and the policy type it resolves to;
    False when the policy cannot be loaded (the raw texts are still listed)."""
    from xl_engage.calc import budget as calc
    from xl_engage.inputs.budget import load_policy

    counts: dict[str, list[Any]] = {}
    for row in rows:
        text = to_text(row.get("asset_type") or "")
        counts.setdefault(key(text), [text, 0])[1] += 1
    try:
        names = calc.type_names(load_policy(templates), dict(mapping.import_.types) if mapping else {})
    except (XleError, ValueError):
        names = None
    out = [
        TypeCount(text, n, names.resolve(text) if names and text else None)
        for text, n in sorted(counts.values(), key=lambda tn: -tn[1])
    ]
    return out, names is not None


def _load_ledger(found: Inspection, options: _Options) -> list[Issue]:
    """The reconcile import's problems, and what it counts as spend (as ``reconcile`` reads
    it: the firm's ledger sides, the mapping's additions)."""
    from xl_engage.inputs.reconcile import load_ledger, load_template, with_extras

    mapping = options.mapping
    try:
        template = load_template(options.templates)
        sides = with_extras(template.ledger, mapping.ledger) if mapping else template.ledger
        settings = import_settings(mapping.import_) if mapping else None
        currency = template.settings.currency
        ledger = load_ledger(found.path, currency, options.spend_negative, options.today, sides, settings)
    except InputError as exc:
        return list(exc.issues)
    dates = [t.date for t in ledger.transactions]
    found.ledger = LedgerView(
        ledger.count,
        ledger.total,
        min(dates, default=None),
        max(dates, default=None),
        ledger.not_spend,
        options.spend_negative,
    )
    return [*ledger.warnings, *ledger.notes]


def _load_clients(found: Inspection, options: _Options) -> list[Issue]:
    """The pricing import's problems and notes (with the firm's packages, which fill a
    client's blank package as the import does)."""
    from xl_engage.inputs.pricing import load_clients, load_templates

    notes: list[Issue] = []
    problems = _problems_of(lambda: load_clients(found.path, load_templates(options.templates), notes))
    return problems + notes


def _load_portfolio(found: Inspection, options: _Options) -> list[Issue]:
    """The playbook import's problems."""
    from xl_engage.inputs.playbook import load_portfolio

    return _problems_of(lambda: load_portfolio(found.path))


def _problems_of(load: Callable[[], object]) -> list[Issue]:
    try:
        load()
    except InputError as exc:
        return list(exc.issues)
    return []


_LOADERS: dict[str, Loader] = {
    "inventory": _load_inventory,
    "ledger": _load_ledger,
    "clients": _load_clients,
    "portfolio": _load_portfolio,
}


# --- the report ---------------------------------------------------------------------------


def render(found: Inspection, console: Console) -> None:
    """Print the inspection, section by section; user text is never read as markup."""
    _say(console, f"{found.path.name}, read as {_WHAT[found.kind]}", "bold")
    _say(console, "  " + how_read(found.read))
    if found.header_line is None:
        _say(console, "  no header row found; the first lines, as split:")
        for n, text in found.first_lines:
            _say(console, f"  {n:>4}  {text}")
    else:
        _say(console, f"  header row: {_unit(found)} {found.header_line}")
        _section(console, _columns_table(found.columns))
    if found.decisions:
        _section(console, _pairs_table("Dates and numbers", ("Column", "Read as"), found.decisions))
    _print_lines(found, console)
    if found.types is not None:
        _print_types(found, console)
    if found.ledger is not None:
        _print_ledger(found.ledger, console)
    _print_issues("Notes", found.notes, console)
    _print_issues("Problems", found.problems, console)
    console.print()
    _say(console, verdict(found), "bold")


def how_read(read: FileRead) -> str:
    """``read as text: encoding utf-16-le, separator tab``, or the workbook's sheet."""
    if read.sheet:
        return f"read as a workbook: first sheet '{read.sheet}'"
    return f"read as text: encoding {read.encoding}, separator {read.separator}"


def verdict(found: Inspection) -> str:
    """The one line a user scans for: would it import, and with what."""
    errors = len(found.errors)
    warnings = len(found.problems) - errors
    warned = f", with {warnings} warning(s)" if warnings else ""
    if errors:
        return f"would not import: {errors} error(s){warned}"
    what = f"{found.ledger.count:,} transaction(s)" if found.ledger else f"{len(found.read.rows):,} row(s)"
    return f"would import: {what}{warned}"


def _unit(found: Inspection) -> str:
    return "row" if found.read.sheet else "line"


def _say(console: Console, text: str, style: str = "") -> None:
    console.print(Text(text, style=style))


def _section(console: Console, table: Table) -> None:
    console.print()
    console.print(table)


def _table(title: str, heads: Sequence[str]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    for name in heads:
        table.add_column(name, overflow="fold")
    return table


def _columns_table(columns: Sequence[ColumnView]) -> Table:
    table = _table("Columns", ("#", "Your header", "Read as"))
    for c in columns:
        table.add_row(Text(c.place), Text(c.header or "(blank)"), Text(c.reading))
    return table


def _pairs_table(title: str, heads: tuple[str, str], rows: Iterable[tuple[str, str]]) -> Table:
    table = _table(title, heads)
    for a, b in rows:
        table.add_row(Text(a), Text(b))
    return table


def _print_lines(found: Inspection, console: Console) -> None:
    console.print()
    _say(console, f"{len(found.read.rows):,} row(s) read", "bold")
    if not found.skipped:
        return
    table = _table("Skipped", ("Reason", "Count", f"{_unit(found).capitalize()}s"))
    for reason, lines in found.skipped.items():
        shown = ", ".join(str(n) for n in lines[:SHOW_LINES]) + (", …" if len(lines) > SHOW_LINES else "")
        table.add_row(Text(reason), Text(str(len(lines))), Text(shown))
    _section(console, table)


def _print_types(found: Inspection, console: Console) -> None:
    assert found.types is not None
    table = _table("Device types", ("Type in the file", "Rows", "Policy type"))
    for t in found.types:
        if not found.types_resolved:
            policy = "(the policy could not be loaded)"
        else:
            policy = f"known → {t.policy_type}" if t.policy_type else "unknown: listed, not planned"
        table.add_row(Text(t.text or "(blank)"), Text(str(t.count)), Text(policy))
    _section(console, table)


def _print_ledger(ledger: LedgerView, console: Console) -> None:
    console.print()
    span = f", {ledger.first} – {ledger.last}" if ledger.first else ""
    _say(console, f"{ledger.count:,} transaction(s), total spend {ledger.total:,.2f}{span}", "bold")
    if ledger.total < 0 and not ledger.spend_negative:
        _say(
            console,
            "  the total is negative: if this export shows money out as negative, use --spend-negative",
        )
    n = len(ledger.not_spend)
    _say(console, f"{n:,} entr{'y' if n == 1 else 'ies'} not counted as spend (transfers, payments)")
    for issue in ledger.not_spend[:SHOW_NOT_SPEND]:
        _say(console, f"  {issue.where}: {issue.message}")
    if n > SHOW_NOT_SPEND:
        _say(console, f"  … and {n - SHOW_NOT_SPEND:,} more")


def _print_issues(title: str, issues: Sequence[Issue], console: Console) -> None:
    """Issues as the import prints them (``file:line (column): message``), the first hundred."""
    if not issues:
        return
    console.print()
    _say(console, f"{title} ({len(issues):,})", "bold")
    for issue in issues[:SHOW_PROBLEMS]:
        _say(console, f"  {issue}")
    if len(issues) > SHOW_PROBLEMS:
        _say(console, f"  … and {len(issues) - SHOW_PROBLEMS:,} more")
