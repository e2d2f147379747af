"""Reconciliation inputs: a budget workbook, a ledger export, the default mapping rules.

Ledgers come as accounting systems export them (CSV, or the first sheet of an XLSX): a
date, the payee, a description, the amount as one signed column *or* as debit and credit
columns, a GL account or category, perhaps a reference and a currency. Headers are matched
by alias. Amounts become *spend* (positive = money out): ``debit − credit``, or the signed
amount, negated with ``spend_negative`` for bank-style exports where money out is negative.
Every problem is located at its line and column; nothing is merged or dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from xl_engage.calc import budget as budget_calc
from xl_engage.calc import reconcile as calc
from xl_engage.calc.fiscal import add_months
from xl_engage.calc.reconcile import pattern_matcher
from xl_engage.coerce import decimal_mark, is_blank, to_text, with_decimal_point
from xl_engage.gcpause import gc_paused
from xl_engage.inputs.files import exact_numbers, read_table_file, validate_document, validate_rows
from xl_engage.issues import InputError, Issue, errors
from xl_engage.layout import Column, TableSpec, table_fits
from xl_engage.models.base import Fraction, Frozen, Money, key, share_records_fields_sets
from xl_engage.models.budget import BudgetBook
from xl_engage.models.reconcile import BudgetRow, LedgerEntry, ReconBook, ReconSettings, Rule, Transaction
from xl_engage.money import currency_code, parse_amount, to_decimal
from xl_engage.tabular import ImportSettings, Places, TableRead
from xl_engage.templates import load_toml, template_path
from xl_engage.validate import locate_problems

LEDGER = TableSpec(
    "Ledger",
    "Ledger",
    "transactions",
    section_field="account",
    columns=(
        Column(
            "Date",
            "date",
            "date",
            aliases=(
                "Transaction date",
                "Posting date",
                "Posted date",
                "Txn date",
                "Date posted",
                "Trans date",
                "Posting date",
                "Transaction Date",
                "Value date",
                "Booking date",
            ),
        ),
        Column(
            "Vendor",
            "vendor",
            required=False,
            aliases=("Payee", "Merchant", "Supplier", "Name", "Vendor name", "Contact", "Payee name"),
        ),
        Column(
            "Description",
            "description",
            required=False,
            aliases=(
                "Memo/Description",
                "Memo",
                "Narrative",
                "Details",
                "Line description",
                "Transaction description",
                "Trans description",
            ),
        ),
        Column("Amount", "amount", required=False, aliases=("Net amount", "Value", "Transaction amount")),
        Column(
            "Debit",
            "debit",
            required=False,
            aliases=(
                "Debit amount",
                "Debit amt",
                "Amount (Debit)",
                "Debits",
                "Withdrawal",
                "Withdrawals",
                "Money out",
                "Charge",
            ),
        ),
        Column(
            "Credit",
            "credit",
            required=False,
            aliases=(
                "Credit amount",
                "Credit amt",
                "Amount (Credit)",
                "Credits",
                "Deposit",
                "Deposits",
                "Money in",
                "Refund",
            ),
        ),
        Column(
            "GL account",
            "account",
            required=False,
            aliases=(
                "Account",
                "Distribution account",
                "Account ID",
                "GL",
                "GL code",
                "Expense account",
                "Nominal account",
                "Category",
            ),
        ),
        Column(
            "Split",
            "split",
            required=False,
            aliases=("Split account", "Offset account", "Contra account"),
            help="The other side of the entry (QuickBooks): the expense account when Account is a bank.",
        ),
        Column(
            "Transaction type",
            "type",
            required=False,
            aliases=("Type", "Txn type", "Source", "Transaction Type"),
        ),
        Column(
            "Reference",
            "reference",
            required=False,
            aliases=(
                "Ref",
                "Reference number",
                "Transaction ID",
                "Doc number",
                "Document number",
                "Doc no",
                "Transaction number",
                "Num",
                "Invoice",
                "Check number",
            ),
        ),
        Column("Currency", "currency", required=False, aliases=("CCY", "Currency code")),
    ),
)


class Defaults(Frozen):
    currency: str = "USD"
    tolerance_amount: Money = Decimal(500)
    tolerance_pct: Fraction = Decimal("0.10")


class LedgerSides(Frozen):
    """Which accounts are balance-sheet and income accounts, so the expense side of an entry
    is found whichever column holds it (QuickBooks lists an expense under the bank it left,
    with the expense account in Split), money moved between balance-sheet accounts (a
    transfer, a bill or card payment) is listed and not counted as spend, and income is not
    spend. Account patterns match whole words (``bank`` is not "Bankside Ltd"), or as in the
    rules with ``*``/``?``; an account naming an expense word is an expense whatever else it
    says ("Bank Service Charges", "Credit Card Processing Fees", "Cyber Liability Insurance").
    A bank or card named only by its product ("Westpac Business One") must be added here or
    in a mapping file's ``[ledger]``."""

    expense_words: tuple[str, ...] = (
        "fee",
        "fees",
        "charge",
        "charges",
        "insurance",
        "expense",
        "expenses",
        "cost of sales",
        "cost of goods sold",
    )
    """An account naming one of these is an expense, whatever else it says."""
    expense_hints: tuple[str, ...] = (
        "cost",
        "costs",
        "service",
        "services",
        "subscription",
        "subscriptions",
        "supplies",
        "equipment",
        "software",
        "hardware",
        "rent",
        "utilities",
    )
    """An expense too, unless the account names a payable or income first ("Services Income")."""
    payable_accounts: tuple[str, ...] = ("accounts payable", "a/p", "creditors", "payable", "trade creditors")
    """An entry written from one of these (a bill) shows spend as positive in a signed Amount."""
    cash_accounts: tuple[str, ...] = (
        "checking",
        "chequing",
        "savings",
        "bank",
        "cash",
        "petty cash",
        "credit card",
        "amex",
        "american express",
        "visa",
        "mastercard",
        "undeposited funds",
        "paypal",
        "clearing",
    )
    """An entry written from one of these (an expense paid by bank or card) shows money out
    as negative in a signed Amount."""
    other_balance_sheet: tuple[str, ...] = (
        "accounts receivable",
        "a/r",
        "receivable",
        "debtors",
        "loan",
        "loans",
        "line of credit",
        "equity",
        "retained earnings",
        "liability",
        "liabilities",
        "accrued",
        "accruals",
        "prepaid",
        "prepayments",
    )
    income_accounts: tuple[str, ...] = ("income", "revenue", "revenues", "sales", "turnover")
    """Entries touching these and a balance-sheet account (an invoice, a sales receipt, bank
    interest) are income: listed, never spend."""
    not_spend_types: tuple[str, ...] = (
        "transfer",
        "acct_xfer",
        "payment",
        "credit card payment",
        "bill payment",
        "bill payment (check)",
        "bill payment (credit card)",
        "loan_pmt",
        "tfr",
    )
    """Transaction types (compared whole, case-insensitively) that move money between
    balance-sheet accounts, for exports that name no account (bank and card files)."""
    not_spend_descriptions: tuple[str, ...] = (
        "* tfr",
        "tfr *",
        "american express",
        "amex epayment*",
        "*credit card payment*",
        "*card payment - thank you*",
        "payment thank you*",
    )
    """Descriptions (patterns as in the rules) of bank-statement lines that move money to
    another account of the client's (a transfer, paying the card), likewise."""


def with_extras(sides: LedgerSides, extras: Any) -> LedgerSides:
    """The ledger sides with a mapping file's patterns added to each list."""
    return sides.model_copy(
        update={
            name: getattr(sides, name) + tuple(getattr(extras, name)) for name in type(extras).model_fields
        }
    )


class Template(Frozen):
    settings: Defaults = Defaults()
    ledger: LedgerSides = LedgerSides()
    rules: tuple[Rule, ...] = ()


def load_template(templates: Path | str | None = None) -> Template:
    path = template_path("reconcile.toml", templates)
    return validate_document(Template, exact_numbers(load_toml(path)), str(path))


class Ledger(Frozen):
    """Transactions read from one file, the file's own count and total, its warnings and
    notes, and the entries that are not spend (listed, never counted)."""

    transactions: tuple[Transaction, ...]
    count: int
    total: Decimal
    warnings: tuple[Issue, ...] = ()
    notes: tuple[Issue, ...] = ()
    not_spend: tuple[Issue, ...] = ()
    """One per entry between balance-sheet accounts, at its line."""


def _money(text: Any) -> tuple[Decimal, str | None]:
    if isinstance(text, int | float | Decimal) and not isinstance(text, bool):
        return to_decimal(text), None
    return parse_amount(to_text(text))


def load_ledger(
    path: Path,
    currency: str = "USD",
    spend_negative: bool = False,
    today: dt.date | None = None,
    sides: LedgerSides | None = None,
    settings: ImportSettings | None = None,
) -> Ledger:
    """A ledger export as transactions; errors (a bad amount, another currency, a missing
    date) raise with every location, warnings (duplicated references, future dates) return."""
    with gc_paused():  # 100,000 rows of objects that all live on
        return _load_ledger(path, currency, spend_negative, today, sides or LedgerSides(), settings)


def _word_matcher(pattern: str) -> Callable[[str], bool]:
    """A pattern as in the rules when it has ``*`` or ``?``; otherwise whole words, so
    "bank" matches "First Cascade Bank" but not "Bankside Ltd"."""
    if "*" in pattern or "?" in pattern:
        return pattern_matcher(pattern)
    rx = re.compile(r"(?<![^\W_])" + re.escape(pattern.strip().casefold()) + r"(?![^\W_])")
    return lambda text: rx.search(text.casefold()) is not None


class _Sides:
    """The account patterns compiled, each account name classified once."""

    def __init__(self, sides: LedgerSides):
        self.groups = [
            ("expense", [_word_matcher(p) for p in sides.expense_words]),
            ("payable", [_word_matcher(p) for p in sides.payable_accounts]),
            ("income", [_word_matcher(p) for p in sides.income_accounts]),
            ("expense", [_word_matcher(p) for p in sides.expense_hints]),
            ("cash", [_word_matcher(p) for p in sides.cash_accounts]),
            ("balance", [_word_matcher(p) for p in sides.other_balance_sheet]),
        ]
        self.not_spend_types = {key(t) for t in sides.not_spend_types}
        self.not_spend_text = [pattern_matcher(p) for p in sides.not_spend_descriptions]
        self.memo: dict[str, str] = {}
        self.expense_memo: dict[tuple[Any, ...], tuple[str, int] | str] = {}

    def expense_side(self, row: dict[str, Any], sectioned: bool, signed: bool) -> tuple[str, int] | str:
        """:func:`_expense_side`, worked out once per distinct account, other account and
        type: a ledger of 100,000 lines names a few dozen accounts. A line naming neither
        account is told by its text, which is not remembered."""
        own, other, kind = row.get("account"), row.get("split"), row.get("type")
        if not to_text(own or "") and not to_text(other or ""):  # as _expense_side reads them
            return _expense_side(row, self, sectioned, signed)
        key = (own, other, kind, sectioned, signed)
        found = self.expense_memo.get(key)
        if found is None:
            found = self.expense_memo[key] = _expense_side(row, self, sectioned, signed)
        return found

    def side(self, account: str) -> str:
        """ "expense", "payable", "cash", "balance" (another balance-sheet account) or
        "income"; an account named by none of the patterns is an expense."""
        found = self.memo.get(account)
        if found is None:
            found = next((name for name, ms in self.groups if any(m(account) for m in ms)), "expense")
            self.memo[account] = found
        return found


def _expense_side(row: dict[str, Any], sides: _Sides, sectioned: bool, signed: bool) -> tuple[str, int] | str:
    """The row's expense account and the sign that turns its amount into spend (0: the
    export's own convention, --spend-negative), or why it is not spend ("income", or
    "transfer" for money moved between balance-sheet accounts).

    A row's own account is its Account (or its section's heading); Split is the other side.
    A transaction list (QuickBooks) writes an expense from the bank or card it left or from
    Accounts Payable, with the expense account in Split: in a signed Amount, money out of a
    bank or card is negative and a bill is positive; in Debit/Credit columns the balance-sheet
    side of an expense is a credit. A report in account sections lists every entry under
    each account it touches, so there a row under a balance-sheet account is the mirror of
    one counted under its expense account, and is not counted again.
    """
    own = to_text(row.get("account") or "")
    other = to_text(row.get("split") or "")
    several = other.strip("- ").casefold() == "split"  # QuickBooks: several accounts on the other side
    other_side = "expense" if several else sides.side(other) if other else ""
    own_side = sides.side(own) if own else ""
    if own_side == "expense":
        return own, 0
    if own_side == "income" or other_side == "income":
        return "income"
    if not own:
        if other_side == "expense":
            return other, 0
        if other or key(to_text(row.get("type") or "")) in sides.not_spend_types:
            return "transfer"
        text = to_text(row.get("description") or row.get("vendor") or "")
        if text and any(m(text) for m in sides.not_spend_text):
            return "transfer"
        return "", 0
    if other_side == "expense" and not sectioned:
        if not signed:
            return other, -1  # debit - credit of the bank or payable side
        return other, 1 if own_side == "payable" else -1
    return "transfer"


def _load_ledger(
    path: Path,
    currency: str,
    spend_negative: bool,
    today: dt.date | None,
    ledger_sides: LedgerSides,
    settings: ImportSettings | None,
) -> Ledger:
    got = read_table_file(path, LEDGER, "a ledger", settings)
    table_fits(f"{path.name}: the ledger", len(got.rows), 2)  # before any work on its rows
    if not got.present and errors(got.issues):  # no header row: nothing else can be said
        raise InputError(got.issues)
    headers = got.present
    where = got.where
    problems = list(got.issues)
    fallback = path.name
    if "amount" in headers and headers & {"debit", "credit"}:
        problems.append(
            Issue(
                fallback,
                "the ledger has both an Amount column and Debit/Credit columns: keep one, in the export or "
                'with a mapping file (--mapping) that sets the other aside: [import.columns] "Amount" = ""',
            )
        )
    if not headers & {"amount", "debit", "credit"}:
        problems.append(Issue(fallback, "the ledger has no Amount column (nor Debit and Credit columns)"))
    if errors(problems):
        raise InputError(problems)
    expected = currency_code(currency)
    sides = _Sides(ledger_sides)
    sectioned = bool(got.shape and got.shape.sections)
    marks, mixed = _decimal_marks(got, settings, problems)
    kept: dict[int, int] = {}
    rows: list[dict[str, Any]] = []
    not_spend: list[Issue] = []
    for i, row in enumerate(got.rows):
        total = Decimal(0)
        seen_any = False
        signed = Decimal(0)  # the Amount column's part, which --spend-negative may turn
        signed_amount = not is_blank(row.get("amount"))
        for column, sign in (("amount", 1), ("debit", 1), ("credit", -1)):
            raw = row.pop(column, None)
            if is_blank(raw):
                continue
            seen_any = True
            loc = ("transactions", i, column)
            try:
                value, found = _money(
                    with_decimal_point(raw) if column in marks and isinstance(raw, str) else raw
                )
            except ValueError as exc:
                if column not in mixed:  # that column's one error is already said
                    problems.append(Issue(where[loc], f"{_label(column)}: {exc}"))
                continue
            written = row.get("currency")
            stated = currency_code(to_text(written)) if not is_blank(written) else None
            if found and stated and found != stated and not symbol_only(raw):
                problems.append(
                    Issue(
                        where[loc], f"{_label(column)} is written in {found}, but its Currency says {stated}"
                    )
                )
            found = stated or found  # "$" is many currencies' sign: the Currency column says which
            if found and found != expected:
                problems.append(
                    Issue(where[loc], f"{_label(column)} is in {found}, but the budget is in {expected}")
                )
            total += sign * value
            if column == "amount":
                signed = value
            if column != "amount":  # a problem with the amount points at the debit or credit
                where.alias(("transactions", i, "amount"), loc)
        row.pop("currency", None)
        if not seen_any:
            problems.append(Issue(where[("transactions", i)], "no amount on this row"))
        expense = sides.expense_side(row, sectioned, signed_amount)
        split, kind = row.pop("split", None), row.pop("type", None)
        if isinstance(expense, str):
            accounts = " and ".join(to_text(a) for a in (row.get("account"), split) if not is_blank(a))
            what = to_text(kind) if not is_blank(kind) else "entry"
            between = f" between {accounts}" if accounts else ""
            why = "income" if expense == "income" else "a transfer or payment"
            not_spend.append(
                Issue(where[("transactions", i)], f"{what}{between}: {why}, not spend ({total:,.2f})", "note")
            )
            continue
        account, sign = expense
        if account:
            row["account"] = account
        if sign == 0:  # the accounts do not say: the export's own convention does
            sign = 1
            if spend_negative:
                total -= 2 * signed
        row["amount"] = sign * total
        extras = row.setdefault("extras", {})
        for header, value in (("Split", split), ("Transaction type", kind)):
            if not is_blank(value):
                extras[header] = value
        if not extras:
            del row["extras"]
        kept[i] = len(rows)
        rows.append(row)
    if len(rows) != len(got.rows):
        got.rows = rows
        got.where = where = where.renumbered("transactions", kept)
    if sectioned and not errors(problems):
        problems += _mirrored_accounts(got.rows, where)
    if not got.rows and not errors(problems):
        problems.append(Issue(fallback, "the ledger has no transactions"))
    transactions, invalid = validate_rows(got, "transactions", Transaction, path.name)
    problems += [p for p in invalid if p not in problems]
    if errors(problems):
        raise InputError(problems)
    warnings = locate_problems(calc.ledger_warnings(transactions, today or dt.date.today()), where, fallback)
    notes = list(got.notes)
    if not_spend:
        notes.append(
            Issue(
                fallback,
                f"{len(not_spend):,} entr{'y' if len(not_spend) == 1 else 'ies'} not counted as spend, "
                "listed below: transfers and payments between balance-sheet accounts, and income",
                "note",
            )
        )
    return Ledger(
        transactions=transactions,
        count=len(transactions),
        total=sum((t.amount for t in transactions), Decimal(0)),
        warnings=tuple(problems + warnings),
        notes=tuple(notes),
        not_spend=tuple(not_spend),
    )


def _mirrored_accounts(rows: list[dict[str, Any]], where: Places) -> list[Issue]:
    """In a report of account sections, an account whose entries mirror other accounts'
    (same date, payee and amount, opposite sign) is the other side of them: a bank or card
    named only by its product ("Westpac Business One"). Counting it would cancel the spend,
    so it is refused, with the line that settles it."""
    seen: dict[tuple[Any, ...], list[int]] = {}
    for i, row in enumerate(rows):
        amount = row.get("amount")
        if isinstance(amount, Decimal) and amount:
            seen.setdefault((row.get("date"), abs(amount), key(to_text(row.get("vendor") or ""))), []).append(
                i
            )
    mirrors: dict[str, list[int]] = {}
    for group in seen.values():
        negative = [i for i in group if rows[i]["amount"] < 0]
        positive = {to_text(rows[i].get("account") or "") for i in group if rows[i]["amount"] > 0}
        for i in negative:
            account = to_text(rows[i].get("account") or "")
            if positive - {account}:
                mirrors.setdefault(account, []).append(i)
    return [
        Issue(
            where[("transactions", found[0])],
            f"the {len(found):,} entries under '{account}' mirror entries of other accounts: it looks like "
            f"a bank or card account, and counting both sides would cancel the spend. Say so in a mapping "
            f'file ([ledger] cash_accounts = ["{account}"]), or export the expense accounts only',
        )
        for account, found in mirrors.items()
        if len(found) >= 2
    ]


def _decimal_marks(
    got: TableRead, settings: ImportSettings | None, problems: list[Issue]
) -> tuple[set[str], set[str]]:
    """The amount columns written with a decimal comma, decided once for the file (a debit
    of ``1.234,56`` tells how its credit ``1.500`` is written), or as the user settled it,
    and the columns of a file that mixes marks (one located error)."""
    columns = [c for c in ("amount", "debit", "credit") if c in got.present]
    if not columns:
        return set(), set()
    hint = "," if getattr(got, "separator", "") == "semicolon" else "."
    mark, a, b = decimal_mark((row.get(c) for row in got.rows for c in columns), hint)
    mark = (settings.decimal_mark if settings else "") or mark
    if mark == "mixed":
        problems.append(
            Issue(
                got.where[("transactions", 0, columns[0])] if got.rows else "",
                f"amounts are written with both decimal marks ({a!r} and {b!r}): say which the file "
                'uses in a mapping file ([import] decimal_mark = "," or ".")',
            )
        )
        return set(), set(columns)
    if mark == ",":
        for c in columns:
            got.decisions[_label(c)] = "decimal comma"
        return set(columns), set()
    return set(), set()


def symbol_only(raw: Any) -> bool:
    """The amount names its currency by a ``$`` sign alone (used by USD, CAD, AUD…)."""
    return isinstance(raw, str) and "$" in raw and not any(c.isalpha() for c in raw)


def _label(column: str) -> str:
    return {"amount": "Amount", "debit": "Debit", "credit": "Credit"}[column]


def budget_rows(book: BudgetBook) -> tuple[BudgetRow, ...]:
    """Each budget line at its client price (a line of unknown cost counts 0), with the asset
    type of the asset it replaces (device and labour alike)."""
    results = budget_calc.calculate(book)
    types = {key(a.asset_id): a.asset_type for a in book.assets}
    return tuple(
        BudgetRow(
            month=line.month,
            category=line.category,
            line=line.description,
            amount=r.amount or Decimal(0),
            asset_type=types.get(key(line.source), ""),
        )
        for line, r in zip(book.lines, results.lines, strict=True)
    )


def fiscal_year_start(fy_start_month: int, as_of: dt.date) -> dt.date:
    """The first month of the fiscal year that contains ``as_of``."""
    first = dt.date(as_of.year, fy_start_month, 1)
    return first if first <= as_of else add_months(first, -12)


def applicable_rules(
    rules: tuple[Rule, ...], budget: tuple[BudgetRow, ...]
) -> tuple[tuple[Rule, ...], list[Rule]]:
    """The template rules this budget can use, and those skipped (their category or line is
    not in this budget)."""
    cats = {key(b.category) for b in budget}
    lines = {key(b.line) for b in budget}
    types = {key(b.asset_type) for b in budget if b.asset_type}
    keep: list[Rule] = []
    skipped: list[Rule] = []
    for r in rules:
        ok = (
            (not r.category or key(r.category) in cats)
            and (not r.line or key(r.line) in lines)
            and (not r.asset_type or key(r.asset_type) in types)
        )
        (keep if ok else skipped).append(r)
    return tuple(keep), skipped


def load_rules_file(path: Path) -> tuple[Rule, ...]:
    """A client's own mapping rules (CSV/XLSX, the Rules sheet's columns)."""
    from xl_engage.kinds.reconcile import RULES

    got = read_table_file(path, RULES, "a rules file")
    rules, problems = validate_rows(got, "rules", Rule, path.name)
    if problems:
        raise InputError(problems)
    return rules


def new_reconciliation(
    budget: BudgetBook,
    ledger: Ledger,
    as_of: dt.date,
    templates: Path | str | None = None,
    fiscal_year: dt.date | None = None,
    client_rules: tuple[Rule, ...] = (),
) -> tuple[ReconBook, list[str]]:
    """A reconciliation of the ledger against the budget, and notes for the user. The
    client's own rules come first, then the template's that fit this budget."""
    template = load_template(templates)
    rows = budget_rows(budget)
    defaults, skipped = applicable_rules(template.rules, rows)
    rules = client_rules + defaults
    notes = [
        f"default rule skipped ({r.field} {r.pattern!r}): {r.category or r.line or r.asset_type!r} "
        "is not in this budget"
        for r in skipped
    ]
    settings = ReconSettings(
        client=budget.profile.client,
        currency=template.settings.currency,
        fiscal_year_start=fiscal_year or fiscal_year_start(budget.profile.fiscal_year_start_month, as_of),
        as_of=as_of,
        tolerance_amount=template.settings.tolerance_amount,
        tolerance_pct=template.settings.tolerance_pct,
        control_total=ledger.total,
        control_count=ledger.count,
    )
    book = ReconBook(
        settings=settings,
        budget=rows,
        rules=rules,
        transactions=ledger.transactions,
        ledger=ledger_entries(ledger.transactions),
    )
    return book, notes


def identity(tx: Transaction) -> str:
    """The same ledger row in two exports: by its reference and amount when it has one (so a
    payee the clerk corrected still matches), else by everything it says."""
    if tx.reference:
        return f"ref|{key(tx.reference)}|{tx.amount}"
    return f"row|{tx.date}|{key(tx.vendor)}|{key(tx.description)}|{tx.amount}|{key(tx.account)}"


_ENTRIES = TypeAdapter(tuple[LedgerEntry, ...])


def ledger_entries(transactions: tuple[Transaction, ...]) -> tuple[LedgerEntry, ...]:
    """The memory of these transactions, validated in one call (a ledger may hold 100,000
    rows, and one model at a time costs four times as much)."""
    with gc_paused():
        entries = _ENTRIES.validate_python([{"key": identity(t), "amount": t.amount} for t in transactions])
    share_records_fields_sets(entries)
    return entries


def carry_forward(
    last: ReconBook, ledger: Ledger, as_of: dt.date | None = None
) -> tuple[ReconBook, list[str]]:
    """The last reconciliation with the new ledger's transactions added. A row read before
    (the same reference and amount, or the same date, payee, description, amount and
    account; counted with multiplicity) is not added again, even if the clerk has edited or
    deleted it since: a year-to-date re-export is safe, and the control figures stay those
    of the rows read. The rules, the budget and every assignment stay as the clerk left them."""
    # what was read before: the workbook's memory of its ledgers, or (a workbook without
    # one) the transactions it holds
    read = [e.key for e in last.ledger] if last.ledger else [identity(t) for t in last.transactions]
    held: dict[str, int] = {}
    for ident in read:
        held[ident] = held.get(ident, 0) + 1
    added: list[Transaction] = []
    for tx in ledger.transactions:
        ident = identity(tx)
        if held.get(ident, 0) > 0:
            held[ident] -= 1
            continue
        added.append(tx)
    total = sum((t.amount for t in added), Decimal(0))
    s = last.settings
    settings = s.model_copy(
        update={
            "control_total": s.control_total + total,
            "control_count": s.control_count + len(added),
            **({"as_of": as_of} if as_of else {}),
        }
    )
    notes = [
        f"{len(added):,} new transaction(s) added ({total:,.2f}); "
        f"{ledger.count - len(added):,} read before were not added again"
    ]
    memory = last.ledger or ledger_entries(last.transactions)
    book = last.model_copy(
        update={
            "settings": settings,
            "transactions": last.transactions + tuple(added),
            "ledger": memory + ledger_entries(tuple(added)),
        }
    )
    return book, notes
