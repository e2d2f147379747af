"""vCIO package pricing: the 20 % rule, cycle-based packages and customised agreements.

See DOMAIN.md §2. Every default below is a default from the reference texts; a firm
overrides them in ``templates/pricing.toml`` or in the generated workbook.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, model_validator

from xl_engage.models.base import CellText, Count, Fraction, Frozen, Hours, Money, Name, Record


class PricingSettings(Frozen):
    """Rules of thumb an owner tunes (DOMAIN.md §2)."""

    vcio_ratio: Fraction = Decimal("0.20")
    planning_rate: Annotated[Decimal, Field(gt=0, allow_inf_nan=False)] = Decimal("200")
    viability_floor_hours: Hours = Decimal("30")
    advisory_name: Name = "Client Advisory"
    advisory_mrr: Money = Decimal("250")


class Cycle(Record):
    """How often a service line occurs per year. Quarterly is 3: Q4 is the annual cycle."""

    name: Name
    per_year: int = Field(ge=1, le=366)


class Package(Record):
    """A package template; a client with at least ``min_employees`` people fits it."""

    name: Name
    min_employees: Count
    description: CellText = ""


class ServiceLine(Record):
    """One line of a package template: hours per occurrence × occurrences × rate."""

    package: Name
    name: Name
    cycle: Name
    hours: Hours
    rate: Money


class Project(Record):
    """A productised fixed-fee project: sold separately, never part of the MRR."""

    name: Name
    price_from: Money
    price_to: Money

    @model_validator(mode="after")
    def _range(self) -> Project:
        if self.price_to < self.price_from:
            raise ValueError(f"price range runs backwards: {self.price_from} to {self.price_to}")
        return self


class Client(Record):
    """A client: its managed-services MRR (given, or users × price per user) and head count."""

    name: Name
    users: Count | None = None
    price_per_user: Money | None = None
    msp_mrr: Money | None = None
    employees: Count
    package: Name


class AgreementLine(Record):
    """A line of a client's customised agreement; ``included=False`` removes a template line."""

    client: Name
    name: Name
    cycle: Name
    hours: Hours
    rate: Money
    included: bool = True


class PricingBook(Frozen):
    """Everything a pricing workbook holds."""

    settings: PricingSettings = PricingSettings()
    cycles: tuple[Cycle, ...]
    packages: tuple[Package, ...]
    service_lines: tuple[ServiceLine, ...]
    projects: tuple[Project, ...] = ()
    clients: tuple[Client, ...] = ()
    agreement_lines: tuple[AgreementLine, ...] = ()
