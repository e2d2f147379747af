"""The ``xl-engage`` command: build workbooks, check edited ones, run the demo."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from xl_engage import __version__
from xl_engage.cli_kit import App, Argument, Exit, Option
from xl_engage.issues import InputError, Issue, NotAWorkbookError, RefusedError, XleError
from xl_engage.templates import SAMPLE_MSP

if TYPE_CHECKING:
    from pydantic import BaseModel
    from rich.progress import Progress

    from xl_engage.batch import Job
    from xl_engage.inputs.reconcile import Ledger

# Imports are made where they are needed: `xl-engage --help` should not load pydantic, the
# reader and XlsxWriter (issue 15: start-up within 0.12 s of CPU above bare Python).


def write_workbook(kind_name: str, model: BaseModel, out: Path, templates: Path | None = None) -> Path:
    from xl_engage.build import write_workbook as write

    return write(kind_name, model, out, templates=templates)


def model_from_workbook(path: Path, expected_kind: str) -> BaseModel:
    from xl_engage.build import model_from_workbook as read

    return read(path, expected_kind)


def _raised(exc: BaseException, module: str, name: str) -> bool:
    """``exc`` is ``module.name``: if the module was never loaded, it cannot be."""
    cls = getattr(sys.modules.get(module), name, None)
    return isinstance(cls, type) and isinstance(exc, cls)


app = App(
    help="Excel workbooks for MSP client engagement: vCIO pricing, account-management ROI, "
    "life-cycle budgets, responsibility matrices, the vCIO playbook and budget-vs-actual "
    "reconciliation; and reading edited workbooks back with every problem located at its cell.",
)


class _Console:
    """A rich console made when first used: ``--help`` prints without rich (35 ms of imports)."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Any = None

    def real(self) -> Any:
        """The rich console itself (for rich objects that take one: a progress bar)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real(), name)


# No markup and no highlighting: a message says what the user typed, and "[profile]" or a
# file named "Budget [v2].xlsx" is text, not a style tag (a review: "[/]" in a name made the
# message itself fail after the file was written). Colour is asked for by style=.
err: Any = _Console(stderr=True, soft_wrap=True, markup=False, highlight=False)
out: Any = _Console(soft_wrap=True, markup=False, highlight=False)

TemplatesOpt = Annotated[
    Path | None,
    Option(
        "--templates",
        help="Folder of the firm's templates (default: the bundled templates/).",
        file_okay=False,
    ),
]
OutOpt = Annotated[Path, Option("--out", "-o", help="Workbook to write (.xlsx).")]
MappingOpt = Annotated[
    Path | None,
    Option(
        "--mapping",
        help='A saved mapping (TOML) for an export we do not know: \\[import.columns] "Its heading" = '
        '"Our column", date_order, decimal_mark, \\[import.types]. See `xl-engage inspect`.',
        dir_okay=False,
    ),
]
PdfOpt = Annotated[
    bool,
    Option(
        "--pdf",
        help="Also write the decision-maker PDF beside the workbook (same name, .pdf): the sheets "
        "meant for the client, through LibreOffice.",
    ),
]


def _mapping(path: Path | None) -> object:
    if path is None:
        return None
    from xl_engage.inputs.mapping import load_mapping

    return load_mapping(path)


def _guard(
    out: Path,
    *inputs: Path | None,
    allowed: Path | None = None,
    templates: Path | None = None,
    pdf: bool = False,
    option: str = "--out",
    suffix: str = ".xlsx",
) -> None:
    """Refuse, before anything is read, an output that is one of the inputs or a folder, or
    that would land among the firm's templates or the bundled samples (inputs every run reads).
    With ``pdf``, the PDF written beside the workbook is held to the same rules."""
    from xl_engage.atomic import refuse_overwriting
    from xl_engage.templates import DEFAULT_TEMPLATES, templates_dir

    refuse_overwriting(out, inputs, allowed, option)
    if pdf:
        if Path(out).suffix.lower() == ".pdf":
            raise RefusedError(
                f"--out {out} names the workbook (.xlsx); with --pdf its PDF is written beside it"
            )
        refuse_overwriting(Path(out).with_suffix(".pdf"), (*inputs, out))
    target = Path(out).resolve()
    for folder in {templates_dir(templates), DEFAULT_TEMPLATES, SAMPLE_MSP}:
        if folder.exists() and target.is_relative_to(folder.resolve()):
            raise RefusedError(f"{option} {out} is inside {folder}, whose files are inputs: write elsewhere")
    if option == "--out" and Path(out).suffix.lower() != suffix:  # x.pdf holding a workbook opens nowhere
        raise RefusedError(
            f"--out {out}: this is written as {suffix}, and no program opens it under another name: "
            f"give {Path(out).with_suffix(suffix).name}"
        )


def _say(issues: Iterable[Issue]) -> None:
    """Issues on the terminal: every error; warnings and notes alike counted after a few."""
    from xl_engage.issues import capped

    for issue in capped(issues):
        err.print(str(issue), markup=False, highlight=False)


def _run(action: Callable[[], object]) -> None:
    """Turn expected failures into one clear message and an exit code; never a traceback."""
    try:
        action()
    except InputError as exc:
        _say(exc.issues)
        count = sum(1 for i in exc.issues if i.severity == "error") or len(exc.issues)
        err.print(f"{count} problem(s); nothing was written.", style="red")
        raise Exit(1) from None
    except (NotAWorkbookError, RefusedError) as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise Exit(2) from None
    except XleError as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise Exit(1) from None
    except OSError as exc:  # a full disk, a read-only folder, a file that vanished
        where = exc.filename or "the output"
        err.print(f"{where}: {exc.strerror or exc}; nothing was written", markup=False, highlight=False)
        raise Exit(2) from None
    except RecursionError:
        err.print("an input is nested too deeply to be read (a TOML or JSON file?); nothing was written")
        raise Exit(2) from None
    except (Exit, KeyboardInterrupt):
        raise
    except Exception as exc:  # never a traceback: one line, and the run stops cleanly
        if _raised(exc, "pydantic", "ValidationError"):  # a value the command line built
            from xl_engage.validate import explain

            for e in exc.errors():  # type: ignore[attr-defined]
                where = ".".join(str(p) for p in e["loc"]) or "input"
                err.print(f"{where}: {explain(e)}", markup=False, highlight=False)
            raise Exit(1) from None
        if _raised(exc, "xlsxwriter.exceptions", "FileCreateError"):  # a full disk, a vanished folder
            err.print(f"cannot write the workbook: {exc}; nothing was written", markup=False, highlight=False)
            raise Exit(2) from None
        err.print(
            f"unexpected error ({type(exc).__name__}: {exc}); nothing was written. Please report it "
            "with the input that caused it.",
            markup=False,
            highlight=False,
        )
        raise Exit(2) from None


def _version(value: bool) -> None:
    if value:
        out.print(f"xl-engage {__version__}")
        raise Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """xl-engage."""


@app.command()
def pricing(
    out_path: OutOpt = Path("out/vcio-pricing.xlsx"),
    clients: Annotated[
        list[Path] | None,
        Option(
            help="Client list (CSV or XLSX, e.g. a PSA's company export): Client, Employees, and Users "
            "with Price per user or MSP MRR given; Package (blank: recommended for the head count). "
            "Repeat it to join a PSA's exports on the client's name (companies, then agreements). "
            "Default: the sample MSP's."
        ),
    ] = None,
    agreements: Annotated[
        Path | None,
        Option(
            help="TOML of per-client customisations (remove / change / add lines); default: none "
            "(the sample MSP's with its client list)."
        ),
    ] = None,
    from_workbook: Annotated[
        Path | None,
        Option("--from", help="Rebuild from an edited pricing workbook instead of the inputs."),
    ] = None,
    templates: TemplatesOpt = None,
    pdf: PdfOpt = False,
) -> None:
    """Build the vCIO pricing workbook: 20 % rule, packages, customised agreements."""
    from xl_engage.inputs.pricing import load_pricing

    def act() -> None:
        _guard(
            out_path,
            *(clients or []),
            agreements,
            from_workbook,
            allowed=from_workbook,
            templates=templates,
            pdf=pdf,
        )
        if from_workbook is not None:
            model = model_from_workbook(from_workbook, "pricing")
        else:
            notes: list[Issue] = []
            changes = agreements if clients else agreements or SAMPLE_MSP / "agreements.toml"
            model = load_pricing(clients or [SAMPLE_MSP / "clients.csv"], changes, templates, notes)
            _say(notes)
        write_workbook("pricing", model, out_path, templates=templates)
        _written(out_path, pdf)

    _run(act)


@app.command()
def roi(
    out_path: OutOpt = Path("out/am-roi.xlsx"),
    inputs: Annotated[
        Path | None,
        Option(help="TOML with the MSP's segments and current revenue (overrides templates/roi.toml)."),
    ] = SAMPLE_MSP / "roi.toml",
    owner_does_am: Annotated[
        bool | None,
        Option(
            "--owner-does-am/--dedicated-am",
            help="Scenario: the owner does the AM work (his hourly value is the rate).",
        ),
    ] = None,
    from_workbook: Annotated[
        Path | None,
        Option("--from", help="Rebuild from an edited ROI workbook instead of the inputs."),
    ] = None,
    templates: TemplatesOpt = None,
    pdf: PdfOpt = False,
) -> None:
    """Build the account-management ROI workbook by client segment."""
    from xl_engage.inputs.roi import load_roi

    def act() -> None:
        _guard(out_path, inputs, from_workbook, allowed=from_workbook, templates=templates, pdf=pdf)
        if from_workbook is not None:
            model = model_from_workbook(from_workbook, "roi")
            from xl_engage.models.roi import RoiBook

            assert isinstance(model, RoiBook)
            if owner_does_am is not None:
                settings = model.settings.model_copy(update={"owner_does_am": owner_does_am})
                model = model.model_copy(update={"settings": settings})
        else:
            model = load_roi(inputs, templates, owner_does_am)
        write_workbook("roi", model, out_path, templates=templates)
        _written(out_path, pdf)

    _run(act)


@app.command()
def budget(
    out_path: Annotated[
        Path | None,
        Option("--out", "-o", help="Workbook to write (.xlsx); with --portfolio, a folder."),
    ] = None,
    client: Annotated[
        Path | None, Option(help="Client file (TOML): profile, contracts, initiatives, reserve.")
    ] = None,
    assets: Annotated[
        Path | None,
        Option(help="Inventory export (.csv or .xlsx); default: assets.csv/.xlsx beside the client file."),
    ] = None,
    name: Annotated[
        str | None,
        Option(
            help="Start from the export alone (with --assets): the client's name; the profile's "
            "defaults, no contracts, no initiatives (fill them in the workbook, then --from)."
        ),
    ] = None,
    fiscal_year_start: Annotated[
        int | None,
        Option(min=1, max=12, help="With --name: the month the fiscal year starts (default 1)."),
    ] = None,
    horizon: Annotated[
        int | None, Option(min=1, max=10, help="With --name: fiscal years to plan (default 3).")
    ] = None,
    as_of: Annotated[
        str | None,
        Option(
            help="With --name: the status date (YYYY-MM-DD, default today); the budget "
            "starts with the fiscal year holding it."
        ),
    ] = None,
    strict: Annotated[
        bool,
        Option(
            help="Assets of a type the policy does not know are an error (nothing is written), not a warning."
        ),
    ] = False,
    portfolio: Annotated[
        Path | None,
        Option(
            help="Folder with one sub-folder per client (each with client.toml), or a CSV with "
            "'Client file' and optional 'Assets' columns: one workbook each, built in parallel.",
        ),
    ] = None,
    from_workbook: Annotated[
        Path | None,
        Option("--from", help="Rebuild from an edited budget workbook (keeps every edited line)."),
    ] = None,
    replan: Annotated[
        bool,
        Option(
            help="With --from: plan the asset replacements again from the edited assets and "
            "policy; every other line is kept."
        ),
    ] = False,
    templates: TemplatesOpt = None,
    pdf: PdfOpt = False,
    mapping: MappingOpt = None,
    organization: Annotated[
        str | None,
        Option(
            help="Only this client's devices, from an export listing every client's (its Organization, "
            'Customer or Company column); also [import] organization = "..." in a client file or mapping.'
        ),
    ] = None,
) -> None:
    """Build a life-cycle IT budget: replacements, contracts, initiatives, by fiscal month and quarter."""
    profile_options = [
        o
        for o, given in (
            ("--fiscal-year-start", fiscal_year_start),
            ("--horizon", horizon),
            ("--as-of", as_of),
        )
        if given is not None
    ]
    if name is not None and client is not None:
        err.print("give --name (start from an export alone) or --client (a client file), not both")
        raise Exit(1)
    if name is None and profile_options:
        err.print(f"{', '.join(profile_options)} go with --name; a client file sets them in [profile]")
        raise Exit(1)
    for option, given in (("--mapping", mapping), ("--organization", organization)):
        if given is not None and (from_workbook is not None or portfolio is not None):
            err.print(
                f"{option} reads an export (--assets): with --from or --portfolio it does nothing; drop it"
            )
            raise Exit(2)
    if portfolio is not None:
        if name is not None:
            err.print("--portfolio builds each client from its client file: drop --name")
            raise Exit(1)
        _portfolio(portfolio, out_path or Path("out/budgets"), templates, strict, pdf)
        return

    def act() -> None:
        _guard(
            out_path or Path("out/budget.xlsx"),
            client,
            assets,
            *((client.with_name("assets.csv"), client.with_name("assets.xlsx")) if client else ()),
            mapping,
            from_workbook,
            allowed=from_workbook,
            templates=templates,
            pdf=pdf,
        )
        from xl_engage.calc import budget as calc
        from xl_engage.models.budget import BudgetBook

        if from_workbook is not None:
            model = model_from_workbook(from_workbook, "budget")
            assert isinstance(model, BudgetBook)
            notes: list[str] = []
            if replan:
                model, notes = calc.replan_assets(model)
            model, moved = calc.apply_deferrals(model)
            for note in (*notes, *moved):
                err.print(f"{from_workbook.name}: {note}", markup=False, highlight=False)
            unknown = calc.unknown_type_problem(model, "workbook", strict=strict)
            if unknown is not None:
                issue = Issue(from_workbook.name, unknown.message, unknown.severity)
                if strict:
                    raise InputError([issue])
                err.print(str(issue), markup=False, highlight=False)
        elif name is not None:
            from xl_engage.inputs.budget import start_budget

            if assets is None:
                raise XleError("--name starts a budget from an inventory export: give --assets EXPORT too")
            model, warnings = start_budget(
                name,
                assets,
                _date_option("--as-of", as_of) or dt.date.today(),
                fiscal_year_start or 1,
                horizon or 3,
                templates,
                strict,
                _mapping(mapping),  # type: ignore[arg-type]
                organization or "",
            )
            _say(warnings)
        elif client is not None:
            from xl_engage.inputs.budget import load_budget

            model, warnings = load_budget(
                client,
                assets,
                templates,
                strict,
                _mapping(mapping),  # type: ignore[arg-type]
                organization or "",
            )
            _say(warnings)
        else:
            raise XleError(
                "give --client FILE, --name CLIENT with --assets EXPORT, --portfolio DIR or --from WORKBOOK"
            )
        target = out_path or Path("out/budget.xlsx")
        write_workbook("budget", model, target, templates=templates)
        _written(target, pdf)

    _run(act)


def _portfolio(
    folder: Path, out_dir: Path, templates: Path | None, strict: bool = False, pdf: bool = False
) -> None:
    from xl_engage.batch import build_portfolio, portfolio_jobs

    try:
        files = portfolio_jobs(folder)
    except InputError as exc:
        _say(exc.issues)
        raise Exit(1) from None
    if not files:
        err.print(f"{folder}: no client files (expected */client.toml, or a CSV with a 'Client file' column)")
        raise Exit(1)
    try:
        _guard_portfolio(files, out_dir)
    except RefusedError as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise Exit(2) from None
    failures, built = [], []
    with _progress() as bar:
        task = bar.add_task(f"{len(files)} client budgets", total=len(files))
        for outcome in build_portfolio(files, out_dir, str(templates) if templates else None, strict=strict):
            bar.advance(task)
            for message in outcome.messages:
                bar.console.print(f"{outcome.client_file}: {message}", markup=False, highlight=False)
            if outcome.error:
                failures.append(outcome)
                bar.console.print(
                    f"FAILED {outcome.client_file}: {outcome.error}", markup=False, highlight=False
                )
            elif outcome.out is not None:
                built.append(outcome.out)
    out.print(f"{len(files) - len(failures)} of {len(files)} budget(s) in {out_dir}/")
    if pdf and built:
        from xl_engage.pdf import PdfError, write_pdfs

        try:
            write_pdfs([(book, book.with_suffix(".pdf")) for book in built])
        except PdfError as exc:
            err.print(str(exc), markup=False, highlight=False)
            raise Exit(2) from None
        out.print(f"{len(built)} decision-maker PDF(s) beside them")
    if failures:
        raise Exit(1)


def _guard_portfolio(jobs: list[Job], out_dir: Path) -> None:
    """Two clients never write one workbook, and no workbook is written over an input."""
    from xl_engage.atomic import refuse_overwriting
    from xl_engage.batch import Job, out_name

    seen: dict[str, Path] = {}
    inputs = []
    for job in jobs:
        job = job if isinstance(job, Job) else Job(job)
        name = out_name(job.client_file)
        if name in seen:
            raise RefusedError(
                f"{seen[name]} and {job.client_file} would both be written as {out_dir / name}: "
                "give their folders different names"
            )
        seen[name] = job.client_file
        inputs += [job.client_file, job.assets]
    for name in seen:
        refuse_overwriting(out_dir / name, inputs)


def _progress() -> Progress:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err.real(),
    )


@app.command()
def raci(
    out_path: OutOpt = Path("out/raci.xlsx"),
    client: Annotated[str, Option(help="The client's name.")] = "Client",
    from_template: Annotated[
        bool,
        Option(
            "--from-template/--blank",
            help="Start from the library's typical assignment, or with empty cells.",
        ),
    ] = True,
    maturity: Annotated[int, Option(min=1, max=5, help="Client's operational maturity level (1–5).")] = 2,
    from_workbook: Annotated[
        Path | None, Option("--from", help="Rebuild from an edited matrix workbook.")
    ] = None,
    templates: TemplatesOpt = None,
    pdf: PdfOpt = False,
) -> None:
    """Build a responsibility (RACI) matrix of a client's virtual IT department."""
    from xl_engage.inputs.raci import start_matrix

    def act() -> None:
        _guard(out_path, from_workbook, allowed=from_workbook, templates=templates, pdf=pdf)
        if from_workbook is not None:
            model = model_from_workbook(from_workbook, "raci")
        else:
            model = start_matrix(client, "template" if from_template else "blank", maturity, templates)
        write_workbook("raci", model, out_path, templates=templates)
        _written(out_path, pdf)

    _run(act)


@app.command()
def playbook(
    out_path: OutOpt = Path("out/vcio-playbook.xlsx"),
    portfolio: Annotated[
        Path | None,
        Option(help="Client portfolio (CSV/XLSX): client, MRR, AISP, users, complexity, vCIO."),
    ] = None,
    year: Annotated[
        int | None, Option(min=1901, max=2199, help="The year tracked, e.g. 2027 (default: this year).")
    ] = None,
    first_month: Annotated[
        int, Option(min=1, max=12, help="Month the tracked year starts (1 = January).")
    ] = 1,
    as_of: Annotated[
        str | None,
        Option(help="Measure progress at the end of this month (YYYY-MM-DD; default today)."),
    ] = None,
    actuals: Annotated[
        Path | None,
        Option(help="Monthly counts already done (CSV/XLSX: vCIO, month, the six activities)."),
    ] = None,
    from_workbook: Annotated[
        Path | None,
        Option(
            "--from",
            help="Rebuild from last playbook, keeping every typed count; with --portfolio, for a "
            "changed portfolio.",
        ),
    ] = None,
    templates: TemplatesOpt = None,
    pdf: PdfOpt = False,
) -> None:
    """Build the vCIO playbook: annual objectives per vCIO from the portfolio, monthly tracking."""
    from xl_engage.inputs.playbook import carry_over, new_playbook
    from xl_engage.models.playbook import PlaybookBook

    def act() -> None:
        _guard(
            out_path, portfolio, actuals, from_workbook, allowed=from_workbook, templates=templates, pdf=pdf
        )
        notes: list[Issue] = []
        when = _date_option("--as-of", as_of)
        if from_workbook is not None:
            kept = [
                o
                for o, given in (
                    ("--year", year),
                    ("--first-month", first_month != 1),
                    ("--actuals", actuals),
                    ("--templates", templates),
                )
                if given
            ]
            if kept:
                raise XleError(
                    f"--from keeps the year, the rules and the counts of {from_workbook.name}; "
                    f"drop {', '.join(kept)} (or build a new playbook with --portfolio)"
                )
            model = model_from_workbook(from_workbook, "playbook")
            assert isinstance(model, PlaybookBook)
            if portfolio is not None:
                model = carry_over(model, portfolio, notes)
            if when is not None:
                model = model.model_copy(update={"year": model.year.model_copy(update={"as_of": when})})
        else:
            if portfolio is None:
                raise XleError("give --portfolio (a CSV/XLSX of clients) or --from an earlier playbook")
            model = new_playbook(
                portfolio,
                year or (when or dt.date.today()).year,
                first_month,
                when,
                templates,
                actuals,
                notes,
            )
        _say(notes)
        source = (portfolio or from_workbook or out_path).name
        _write_checked("playbook", model, out_path, source, templates=templates, pdf=pdf)

    _run(act)


@app.command()
def reconcile(
    out_path: OutOpt = Path("out/reconciliation.xlsx"),
    budget: Annotated[
        Path | None, Option(help="The client's budget workbook (made by xl-engage budget).")
    ] = None,
    actuals: Annotated[
        Path | None,
        Option(help="Ledger or card export (CSV/XLSX): date, payee, description, amount or debit/credit."),
    ] = None,
    from_workbook: Annotated[
        Path | None,
        Option("--from", help="Carry on from a reconciliation: its rules and your assignments are kept."),
    ] = None,
    as_of: Annotated[
        str | None, Option(help="Month to date is this date's month (YYYY-MM-DD, default today).")
    ] = None,
    fiscal_year: Annotated[
        str | None,
        Option(help="First month of the fiscal year to reconcile (default: the one holding --as-of)."),
    ] = None,
    rules: Annotated[
        Path | None,
        Option(
            help="The client's own mapping rules (CSV/XLSX: Field, Pattern, Category, Budget line), "
            "applied before the defaults."
        ),
    ] = None,
    spend_negative: Annotated[
        bool,
        Option(
            "--spend-negative", help="The Amount column shows money out as negative (bank-statement style)."
        ),
    ] = False,
    templates: TemplatesOpt = None,
    pdf: PdfOpt = False,
    mapping: MappingOpt = None,
) -> None:
    """Reconcile a budget with actual spend: variance by category, month, quarter and line."""
    from xl_engage.inputs.reconcile import (
        carry_forward,
        load_rules_file,
        load_template,
        new_reconciliation,
    )
    from xl_engage.models.budget import BudgetBook
    from xl_engage.models.reconcile import ReconBook

    def act() -> None:
        _guard(
            out_path,
            budget,
            actuals,
            rules,
            mapping,
            from_workbook,
            allowed=from_workbook,
            templates=templates,
            pdf=pdf,
        )
        when = _date_option("--as-of", as_of)
        printed: list[Issue] = []
        if from_workbook is not None:
            last = model_from_workbook(from_workbook, "reconcile")
            assert isinstance(last, ReconBook)
            model = last
            notes: list[str] = []
            if actuals is not None:
                ledger = _load_ledger(actuals, last.settings.currency, spend_negative, templates, mapping)
                printed = _print_ledger(actuals, ledger)
                model, notes = carry_forward(last, ledger, when)
            elif when is not None:
                model = last.model_copy(update={"settings": last.settings.model_copy(update={"as_of": when})})
        else:
            if budget is None or actuals is None:
                raise XleError(
                    "give --budget (a budget workbook) and --actuals (a ledger), or --from a reconciliation"
                )
            book = model_from_workbook(budget, "budget")
            assert isinstance(book, BudgetBook)
            currency = load_template(templates).settings.currency
            ledger = _load_ledger(actuals, currency, spend_negative, templates, mapping)
            printed = _print_ledger(actuals, ledger)
            first = _date_option("--fiscal-year", fiscal_year)
            client_rules = load_rules_file(rules) if rules else ()
            model, notes = new_reconciliation(
                book, ledger, when or dt.date.today(), templates, first, client_rules
            )
        for note in notes:
            err.print(note, markup=False, highlight=False)
        source = (actuals or from_workbook or out_path).name
        _write_checked(
            "reconcile",
            model,
            out_path,
            source,
            frozenset(i.message for i in printed),
            templates=templates,
            pdf=pdf,
        )

    _run(act)


def _load_ledger(
    path: Path, currency: str, spend_negative: bool, templates: Path | None, mapping_path: Path | None
) -> Ledger:
    """A ledger read with the firm's ledger sides and the user's saved mapping, if any."""
    from xl_engage.inputs.mapping import MappingFile, check_targets, import_settings
    from xl_engage.inputs.reconcile import LEDGER, load_ledger, load_template, with_extras

    mapping = _mapping(mapping_path)
    assert mapping is None or isinstance(mapping, MappingFile)
    sides = load_template(templates).ledger
    settings = None
    if mapping is not None:
        sides = with_extras(sides, mapping.ledger)
        settings = import_settings(mapping.import_)
        check_targets(LEDGER, settings, str(mapping_path))
    return load_ledger(path, currency, spend_negative, None, sides, settings)


def _print_ledger(path: Path, ledger: Ledger) -> list[Issue]:
    """Say what was read, then the ledger's warnings at their lines."""
    out.print(f"{path.name}: {ledger.count:,} transaction(s), total {ledger.total:,.2f}")
    _say((*ledger.notes, *ledger.not_spend, *ledger.warnings))  # the entries not spend counted after ten
    return list(ledger.warnings)


def _date_option(name: str, text: str | None) -> dt.date | None:
    """A date typed on the command line, or None."""
    if text is None:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise XleError(f"{name}: expected a date like 2027-03-31, got {text!r}") from None
    from xl_engage.models.base import excel_day

    try:
        return excel_day(day)
    except ValueError as exc:
        raise XleError(f"{name}: {exc}") from None


def _written(path: Path, pdf: bool) -> None:
    """Say what was written; with ``--pdf``, write the decision-maker PDF beside it."""
    out.print(f"wrote {path}")
    if pdf:
        from xl_engage.pdf import write_pdf

        target = path.with_suffix(".pdf")
        write_pdf(path, target)
        out.print(f"wrote {target}")


def _write_checked(
    kind_name: str,
    model: object,
    path: Path,
    source: str,
    already: frozenset[str] = frozenset(),
    templates: Path | None = None,
    pdf: bool = False,
) -> None:
    """Write the workbook unless the kind's checks find errors; print the warnings not
    ``already`` printed."""
    from pydantic import BaseModel

    from xl_engage.issues import Issue
    from xl_engage.kinds import get_kind

    kind = get_kind(kind_name)
    assert kind is not None and isinstance(model, BaseModel)
    problems = kind.check(model)
    located = [Issue(source, pr.message, pr.severity) for pr in problems]
    if any(i.severity == "error" for i in located):
        raise InputError(located)
    _say(i for i in located if i.message not in already)  # said once, where the input file located it
    write_workbook(kind_name, model, path, templates=templates)
    _written(path, pdf)


@app.command()
def pdf(
    path: Annotated[Path, Argument(help="An xl_engage workbook (as generated, or edited).")],
    out_path: Annotated[
        Path | None, Option("--out", help="The PDF to write (default: beside the workbook, .pdf).")
    ] = None,
) -> None:
    """Write the decision-maker PDF of a workbook: the sheets meant for the client (a budget's
    Summary, Quarters and Roadmap; not its Lines), printed by headless LibreOffice as laid out
    in the workbook. Needs LibreOffice; without it, says how to install it (exit 2)."""
    from xl_engage.pdf import write_pdf

    def act() -> None:
        target = out_path or path.with_suffix(".pdf")
        if target.suffix.lower() != ".pdf":
            raise RefusedError(f"--out {target} must end in .pdf (a PDF is written there)")
        _guard(target, path, suffix=".pdf")
        write_pdf(path, target)
        out.print(f"wrote {target}")

    _run(act)


@app.command()
def diff(
    old: Annotated[Path, Argument(help="The earlier version of the workbook.")],
    new: Annotated[Path, Argument(help="The later version (its cells are where changes are said).")],
    as_json: Annotated[bool, Option("--json", help="Print the changes as JSON, for tools.")] = False,
) -> None:
    """Say what changed between two versions of one workbook: rows added, removed and changed
    (matched by their key, not their position: sorting is no change), inputs changed, and
    how the headline figures moved. Exit 0 no change, 1 changes, 2 not comparable."""
    from xl_engage.diff import diff as compare
    from xl_engage.diff import shown
    from xl_engage.reader import read_workbook

    loaded = []
    for path in (old, new):
        try:
            got = read_workbook(path)
        except NotAWorkbookError as exc:
            err.print(str(exc), markup=False, highlight=False)
            raise Exit(2) from None
        if got.model is None:
            _say(got.issues)
            err.print(f"{path}: fix its issues first (xl-engage check {path}); nothing was compared")
            raise Exit(2)
        loaded.append(got)
    before, after = loaded
    if before.kind.name != after.kind.name:
        err.print(f"{old} is a {before.kind.name} workbook and {new} a {after.kind.name} one: not comparable")
        raise Exit(2)
    kind = after.kind
    if kind.identity is not None:
        from xl_engage.models.base import field_at

        a, b = shown(field_at(before.model, kind.identity)), shown(field_at(after.model, kind.identity))
        if a.casefold() != b.casefold():
            err.print(f"{old} is {a}'s workbook and {new} is {b}'s: not comparable")
            raise Exit(2)
    changes = compare(kind, before.model, after.model, after.places, before.places)  # type: ignore[arg-type]
    if as_json:
        sys.stdout.write(
            json.dumps({"kind": kind.name, "changes": [c.as_dict() for c in changes]}, indent=2) + "\n"
        )
    else:
        for change in changes:
            out.print(str(change), markup=False, highlight=False)
        edits = sum(1 for c in changes if c.what != "headline")
        moved = len(changes) - edits
        out.print(
            (f"{edits} change(s)" + (f", {moved} headline figure(s) moved" if moved else ""))
            if changes
            else "no change"
        )
    if changes:
        raise Exit(1)


@app.command()
def check(
    path: Annotated[Path, Argument(help="An xl_engage workbook, possibly edited.")],
    as_json: Annotated[bool, Option("--json", help="Print the validated model as JSON.")] = False,
) -> None:
    """Read a workbook back; print every issue as Sheet!A1: message.

    Exit 0 when valid, 1 when it has issues, 2 when it is not a readable xl_engage workbook.
    """
    from xl_engage.reader import read_workbook

    try:
        loaded = read_workbook(path)
    except NotAWorkbookError as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise Exit(2) from None
    for issue in loaded.issues:
        (out if as_json is False else err).print(str(issue), markup=False, highlight=False)
    if not loaded.ok:
        said = sum(1 for i in loaded.issues if i.severity != "note")
        err.print(
            f"{path}: {said} issue(s) in this {loaded.kind.name} workbook", markup=False, highlight=False
        )
        raise Exit(1)
    if as_json:
        assert loaded.model is not None
        sys.stdout.write(
            json.dumps({"kind": loaded.kind.name, "model": loaded.model.model_dump(mode="json")}, indent=2)
        )
        sys.stdout.write("\n")
    else:
        out.print(f"{path}: valid {loaded.kind.name} workbook")


@app.command()
def demo(
    out_dir: Annotated[Path, Option("--out", "-o", help="Folder for the workbooks.", file_okay=False)] = Path(
        "out"
    ),
    templates: TemplatesOpt = None,
) -> None:
    """Build every workbook from the bundled sample MSP (workbooks/sample_msp): each
    kind's samples, as the kind registers them."""
    from xl_engage.kinds import Kind, all_kinds

    written: list[Path] = []

    def builder(kind: Kind) -> Callable[[], None]:
        def build() -> None:
            assert kind.samples is not None
            for name, model in kind.samples(templates):
                written.append(write_workbook(kind.name, model, out_dir / name, templates=templates))

        return build

    jobs = [(f"{k.name} workbooks", builder(k)) for k in all_kinds() if k.samples is not None]
    failures = 0
    with _progress() as bar:
        task = bar.add_task("building workbooks", total=len(jobs))
        for name, job in jobs:
            bar.update(task, description=name)
            try:
                job()
            except XleError as exc:
                failures += 1
                err.print(f"{name}: {exc}", markup=False, highlight=False)
            except Exception as exc:
                if isinstance(exc, OSError) or _raised(exc, "xlsxwriter.exceptions", "FileCreateError"):
                    err.print(
                        f"{out_dir}: cannot write there ({exc}); nothing more was written", markup=False
                    )
                    raise Exit(2) from None
                failures += 1  # one kind's failure, in one line: the other kinds are still built
                err.print(
                    f"{name}: unexpected error ({type(exc).__name__}: {exc})", markup=False, highlight=False
                )
            bar.advance(task)
    out.print(f"{len(written)} workbook(s) in {out_dir}/")
    if failures:
        raise Exit(1)


@app.command()
def inspect(
    path: Annotated[Path, Argument(help="The export that does not go in (.csv, .txt or .xlsx).")],
    as_: Annotated[
        str,
        Option("--as", help="What the file is: inventory, ledger, clients or portfolio."),
    ],
    mapping: MappingOpt = None,
    spend_negative: Annotated[
        bool,
        Option("--spend-negative", help="Ledgers: the Amount column shows money out as negative."),
    ] = False,
    templates: TemplatesOpt = None,
) -> None:
    """Show how an export is read, without building anything: encoding or sheet, header row,
    each column's use, date and decimal decisions, skipped lines, types or spend, problems.

    Exit 0 when the file would import, 1 when it has problems, 2 when it cannot be read.
    """
    from xl_engage.inspect_export import KINDS, inspect_file, render

    kind = as_.strip().lower()
    if kind not in KINDS:
        err.print(f"--as must be one of {', '.join(KINDS)}, not {as_!r}", markup=False, highlight=False)
        raise Exit(2)
    try:
        found = inspect_file(path, kind, mapping, templates, spend_negative)
    except RecursionError:
        err.print("an input is nested too deeply to be read (a TOML file?)")
        raise Exit(2) from None
    except InputError as exc:  # the file (or the mapping) cannot be read at all
        _say(exc.issues)
        raise Exit(2) from None
    except XleError as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise Exit(2) from None
    render(found, out)
    raise Exit(found.exit_code)


@app.command()
def functions(
    out_path: Annotated[
        Path, Option("--out", "-o", metavar="<path>", help="The function pack to write (.xlsx).")
    ] = Path("out/functions.xlsx"),
    lite: Annotated[
        Path | None,
        Option(
            metavar="<dir>",
            help="Also write main.py and requirements.txt for xlwings Lite into this folder.",
        ),
    ] = None,
    wheel: Annotated[
        str | None,
        Option(metavar="<url>", help="With --lite: where your firm hosts the xl-engage wheel."),
    ] = None,
    templates: TemplatesOpt = None,
) -> None:
    """Write the function pack: the Excel functions as named LAMBDAs with worked examples, for
    Excel 365 on Windows, Mac and the web (copy its Examples sheet into any workbook and the
    functions come along). Every generated workbook carries them too."""
    from xl_engage.atomic import atomic_path
    from xl_engage.function_pack import build
    from xl_engage.lite import main_py, requirements_txt
    from xl_engage.render import render

    def act() -> None:
        if wheel is not None and lite is None:
            raise RefusedError("--wheel goes with --lite DIR (it is written into requirements.txt)")
        files = {} if lite is None else {"main.py": main_py(), "requirements.txt": requirements_txt(wheel)}
        if lite is not None and out_path.resolve() in {
            lite.resolve(),
            *((lite / n).resolve() for n in files),
        }:
            raise RefusedError(f"--lite {lite} would write over the function pack --out {out_path}")
        _guard(out_path, templates=templates)
        if lite is not None:  # everything refused before anything is written
            if lite.exists() and not lite.is_dir():
                raise RefusedError(f"--lite {lite} is a file: give a folder")
            for name in files:
                _guard(lite / name, out_path, templates=templates, option="--lite")
            lite.mkdir(parents=True, exist_ok=True)  # a path that cannot be a folder fails here, first
        written = [render(build(templates), out_path, None, templates)]
        if lite is not None:
            for name, text in files.items():
                with atomic_path(lite / name) as tmp:
                    tmp.write_text(text, encoding="utf-8")
                written.append(lite / name)
        for path in written:
            out.print(f"wrote {path}", markup=False, highlight=False)

    _run(act)


@app.command()
def init(
    folder: Annotated[Path, Argument(help="The firm's own folder of templates (created if need be).")],
    sample: Annotated[
        bool, Option("--sample", help="Also copy the sample MSP's inputs (into FOLDER/sample_msp).")
    ] = False,
) -> None:
    """Copy the editable templates into a folder the firm owns; then give it to every command
    with --templates FOLDER (or XL_ENGAGE_TEMPLATES). A file already there is kept, never
    overwritten."""
    import shutil

    from xl_engage.templates import DEFAULT_TEMPLATES

    def act() -> None:
        if folder.exists() and not folder.is_dir():
            raise RefusedError(f"{folder} is a file: give a folder")
        folder.mkdir(parents=True, exist_ok=True)
        copied: list[str] = []
        kept: list[str] = []
        for source in sorted(DEFAULT_TEMPLATES.glob("*.toml")):
            target = folder / source.name
            (kept if target.exists() else copied).append(source.name)
            if not target.exists():
                shutil.copyfile(source, target)
        if sample:
            target = folder / "sample_msp"
            if target.exists():
                kept.append("sample_msp/")
            else:
                shutil.copytree(SAMPLE_MSP, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
                copied.append("sample_msp/")
        out.print(f"{folder}: copied {', '.join(copied) or 'nothing'}", markup=False, highlight=False)
        if kept:
            out.print(f"kept your own {', '.join(kept)}", markup=False, highlight=False)
        out.print(f"edit them, then run any command with --templates {folder}", markup=False, highlight=False)

    _run(act)


def run() -> None:
    """The ``xl-engage`` command (and ``python -m xl_engage``).

    Only the command sets what follows: a program importing this module keeps its own."""
    # pydantic looks for plugins among every installed package's entry points when the first
    # model is made (30-40 ms in a venv of 55 packages, more in larger ones); the command uses
    # none. Someone who sets the variable themselves keeps their setting.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    app()


if __name__ == "__main__":  # python -m xl_engage.cli
    run()
