"""The Excel functions as named LAMBDAs: ``=VCIO_PRICE(B2)`` in Excel 365 on Windows, Mac and
the web, with no add-in and no Python.

A LAMBDA stored in a workbook's defined names is a function every cell of that workbook can
call. Each definition here is the twin of a function in :mod:`xl_engage.functions` that is
plain arithmetic over its arguments; the tests prove each body equal to its twin by having
LibreOffice evaluate the body with arguments put in (LibreOffice has no LAMBDA), over a
hypothesis-generated table of arguments.

Written in the form the file stores (what Excel itself saves, so XlsxWriter's
``define_name`` takes it as is): ``_xlfn.LAMBDA(_xlpm.cost,_xlop.rate, body)``, a required
parameter as ``_xlpm.``, an optional one as ``_xlop.`` in the list and ``_xlpm.`` in the
body; ``ISOMITTED`` as ``_xlfn.ISOMITTED``. Sources: Microsoft's ISOMITTED page (an omitted
argument, ``F(1,)``, counts as omitted) and a survey of workbooks Excel saved (optional
parameters are ``_xlop.name``; ``[_xlpm.name]`` makes Excel drop the name on open).

What the twins share:
- a blank argument (an empty cell, or empty text) takes the default, as the add-in's do; a
  blank required argument gives ``#VALUE!`` (the add-in: ``#XLE! … is required``);
- an argument out of range (a negative cost, a margin of 100 %) gives ``#NUM!`` where the
  add-in shows its ``#XLE!`` message: never a number;
- money is rounded to the cent half away from zero, as Python's ``ROUND_HALF_UP`` and
  Excel's ``ROUND`` do; the value is first rounded to 9 decimals, so binary noise
  (``10.25*0.2`` = 2.0500000000000003) cannot move a cent;
- defaults are the firm's: the tolerances from ``reconcile.toml``, the capacity from
  ``playbook.toml``, the others as the add-in's signatures give them.

Pure text, no Excel library.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from xl_engage import functions as F
from xl_engage.kinds.common import months_from

_PARAM = re.compile(r"_xlpm\.([A-Za-z_][A-Za-z0-9_]*)")
_OMITTED = re.compile(r"_xlfn\.ISOMITTED\(_xlpm\.([A-Za-z_][A-Za-z0-9_]*)\)")


@dataclass(frozen=True)
class NamedLambda:
    """One function as a workbook name."""

    name: str
    """The Excel name, as typed in a cell: ``VCIO_PRICE``."""
    twin: str
    """Its Python twin in :mod:`xl_engage.functions`."""
    params: tuple[str, ...]
    optional: frozenset[str]
    body: str
    """The stored form: parameters as ``_xlpm.name``."""

    @property
    def definition(self) -> str:
        """What the defined name holds: ``_xlfn.LAMBDA(_xlpm.a,_xlop.b,body)``."""
        declared = ",".join(("_xlop." if p in self.optional else "_xlpm.") + p for p in self.params)
        return f"_xlfn.LAMBDA({declared},{self.body})"

    @property
    def typed(self) -> str:
        """The definition as typed in Excel's Name Manager ("Refers to"): ``=LAMBDA(a,[b],…)``."""
        declared = ",".join(f"[{p}]" if p in self.optional else p for p in self.params)
        body = self.body.replace("_xlfn.", "").replace("_xlpm.", "")
        return f"=LAMBDA({declared},{body})"

    @property
    def signature(self) -> str:
        """``VCIO_PRICE(msp_mrr, [ratio])``."""
        return f"{self.name}({', '.join(f'[{p}]' if p in self.optional else p for p in self.params)})"

    def put_in(self, arguments: Mapping[str, str | None]) -> str:
        """The body as a plain formula, each parameter replaced by its argument (a cell
        reference or a constant) and ``ISOMITTED`` answered (``None``: the argument is
        omitted). What LibreOffice, which has no LAMBDA, evaluates to prove the body."""
        if set(arguments) != set(self.params):
            raise ValueError(
                f"{self.name}: arguments for {sorted(arguments)}, parameters {list(self.params)}"
            )
        text = _OMITTED.sub(lambda m: "TRUE()" if arguments[m.group(1)] is None else "FALSE()", self.body)
        return _PARAM.sub(lambda m: arguments[m.group(1)] or "0", text)


# --- building bodies ------------------------------------------------------------------------


def _p(name: str) -> str:
    return f"_xlpm.{name}"


def _number(value: Decimal | float | int) -> str:
    """A constant as a formula writes it (no exponent, no trailing zeros)."""
    return format(Decimal(str(value)).normalize(), "f")


def _blank(expr: str) -> str:
    """True for an empty cell, for empty text and for white space alone: spaces, tabs, line
    ends and no-break spaces, as the twins' ``is_blank`` strips them (``&""`` makes an empty
    cell ""; CLEAN drops the control characters, TRIM the spaces)."""
    return f'TRIM(CLEAN(SUBSTITUTE({expr}&"",_xlfn.UNICHAR(160)," ")))=""'


def _or_default(name: str, default: Decimal | float | int) -> str:
    """An optional argument: the default when omitted or blank."""
    d, p = _number(default), _p(name)
    return f"IF(_xlfn.ISOMITTED({p}),{d},IF({_blank(p)},{d},{p}))"


def _cents(expr: str) -> str:
    return f"ROUND(ROUND({expr},9),2)"


def _checked(
    required: tuple[str, ...], numbers: tuple[str, ...], out_of_range: tuple[str, ...], value: str
) -> str:
    """``#VALUE!`` when a required argument is blank or one of ``numbers`` (the arguments,
    defaults applied) is not a number: a logical value (``TRUE*1`` is 1, where the twins
    refuse TRUE) or text that reads as no number; ``#NUM!`` when one is out of range.
    Comparisons use ``x*1``: a number typed as text ("-5") compares as text (above every
    number), so it would pass ``x<0`` unconverted."""
    if out_of_range:
        value = f"IF(OR({','.join(out_of_range)}),#NUM!,{value})"
    wrong = [_blank(_p(r)) for r in required]
    wrong += [f"ISLOGICAL({n})" for n in numbers] + [f"ISERROR({n}*1)" for n in numbers]
    if wrong:
        value = f"IF(OR({','.join(wrong)}),#VALUE!,{value})"
    return value


def _default(twin: Callable[..., object], arg: str) -> Decimal | float | int:
    value = F.HELP[twin.__name__].defaults[arg]
    assert isinstance(value, Decimal | float | int), f"{twin.__name__}.{arg} has no numeric default"
    return value


def named_lambdas(templates: Path | str | None = None) -> tuple[NamedLambda, ...]:
    """Every function that is arithmetic over its arguments, with the defaults of the firm's
    templates (``templates``, else ``$XL_ENGAGE_TEMPLATES`` or the bundled ones)."""
    tolerances = F.variance_defaults(templates)
    capacity = F.playbook_defaults(templates).settings
    out: list[NamedLambda] = []

    def add(name: str, twin: Callable[..., object], optional: tuple[str, ...], body: str) -> None:
        params = tuple(F.HELP[twin.__name__].args)
        out.append(NamedLambda(name, twin.__name__, params, frozenset(optional), body))

    m, r = _p("msp_mrr"), _or_default("ratio", _default(F.vcio_price, "ratio"))
    add(
        "VCIO_PRICE",
        F.vcio_price,
        ("ratio",),
        _checked(("msp_mrr",), (m, r), (f"{m}*1<0", f"{r}*1<0", f"{r}*1>1"), _cents(f"{m}*{r}")),
    )
    m, r = _p("mrr"), _or_default("rate", _default(F.vcio_hours, "rate"))
    add(
        "VCIO_HOURS",
        F.vcio_hours,
        ("rate",),
        _checked(("mrr",), (m, r), (f"{m}*1<0", f"{r}*1<=0"), f"{m}*12/{r}"),
    )
    c, k = _p("cost"), _p("markup")
    add(
        "PRICE_FROM_MARKUP",
        F.price_from_markup,
        (),
        _checked(("cost", "markup"), (c, k), (f"{c}*1<0", f"{k}*1<0"), _cents(f"{c}*(1+{k})")),
    )
    g = _p("margin")
    add(
        "PRICE_FROM_MARGIN",
        F.price_from_margin,
        (),
        _checked(("cost", "margin"), (c, g), (f"{c}*1<0", f"{g}*1<0", f"{g}*1>=1"), _cents(f"{c}/(1-{g})")),
    )
    a, b = _p("actual"), _p("budget")
    add("VARIANCE", F.variance, (), _checked(("actual", "budget"), (a, b), (), f"{a}-{b}"))
    add(
        "VARIANCE_PCT",
        F.variance_pct,
        (),
        _checked(("actual", "budget"), (a, b), (), f'IF({b}*1=0,"",({a}-{b})/{b})'),
    )
    t = _or_default("abs_tol", tolerances.tolerance_amount)
    q = _or_default("pct_tol", tolerances.tolerance_pct)
    v = f"ROUND({a}-{b},9)"
    green = f"OR(ABS({v})<={t}*1,AND({b}*1<>0,ABS({v})<=ROUND({q}*ABS({b}),9)))"
    add(
        "VARIANCE_FLAG",
        F.variance_flag,
        ("abs_tol", "pct_tol"),
        _checked(
            ("actual", "budget"),
            (a, b, t, q),
            (f"{t}*1<0", f"{q}*1<0"),
            f'IF({green},"Green",IF({v}>0,"Red","Amber"))',
        ),
    )
    o, d, w = _p("objective"), f"IF({_blank(_p('done'))},0,{_p('done')})", _p("weeks_left")
    add(
        "PLAYBOOK_WEEKLY_RATE",
        F.playbook_weekly_rate,
        (),
        _checked(
            ("objective", "weeks_left"),
            (o, d, w),
            (f"{o}*1<0", f"{d}*1<0", f"{w}*1<=0"),
            f"MAX({o}-{d},0)/{w}",
        ),
    )
    n, mrr = _p("clients"), _p("mrr")
    tol = capacity.capacity_tolerance
    over_c, under_c = (
        _number(capacity.capacity_clients * (1 + tol)),
        _number(capacity.capacity_clients * (1 - tol)),
    )
    over_m, under_m = _number(capacity.capacity_mrr * (1 + tol)), _number(capacity.capacity_mrr * (1 - tol))
    add(
        "VCIO_CAPACITY",
        F.vcio_capacity,
        (),
        _checked(
            ("clients", "mrr"),
            (n, mrr),
            (f"{n}*1<0", f"INT({n}*1)<>{n}*1", f"{mrr}*1<0"),
            f'IF(OR({n}*1>{over_c},{mrr}*1>{over_m}),"Over capacity",'
            f'IF(AND({n}*1<{under_c},{mrr}*1<{under_m}),"Under capacity","OK"))',
        ),
    )
    amount, start, month = _p("amount"), _p("start"), _p("month")
    i = _or_default("increase", _default(F.budget_recurring, "increase"))
    months = f"({months_from(start, month)})"
    first_day = 61  # 1900-03-01: the twins refuse earlier serial numbers (Excel's 1900 leap-year bug)
    add(
        "BUDGET_RECURRING",
        F.budget_recurring,
        ("increase",),
        _checked(
            ("amount", "start", "month"),
            (amount, start, month, i),
            (f"{amount}*1<0", f"{start}*1<{first_day}", f"{month}*1<{first_day}", f"{i}*1<0", f"{i}*1>1"),
            f"IF({months}<0,0,{_cents(f'{amount}*(1+{i})^INT({months}/12)')})",
        ),
    )
    return tuple(out)
