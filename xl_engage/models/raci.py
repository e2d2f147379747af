"""Responsibility (RACI) matrices of a client's virtual IT department (DOMAIN.md §4).

A matrix is areas × parties → one code per cell: R (responsible), A (accountable),
C (consulted), I (informed) or A/R (both). The rules (one A, at least one R) are *findings*
about a matrix, not input errors: a matrix that breaks them is still a valid matrix.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from xl_engage.models.base import CellText, Fraction, Frozen, Name, Record, key

CODES = ("R", "A", "C", "I", "A/R")
_CANONICAL = frozenset(CODES)
Code = Literal["R", "A", "C", "I", "A/R"]
Side = Literal["MSP", "Client", "Vendor", "Other"]
Criticality = Literal["high", "medium", "low"]


def normalise_code(value: object) -> object:
    """Codes are case-insensitive (``r`` is R) and forgive spaces (``a / r``)."""
    if value in _CANONICAL:
        return value
    if isinstance(value, str):
        text = "".join(value.split()).upper()
        return {"AR": "A/R", "R/A": "A/R"}.get(text, text)
    return value


class Party(Record):
    name: Name
    side: Side = "Other"
    description: CellText = ""


class Area(Record):
    """A responsibility area with each party's code (parties without a code are absent)."""

    category: Name
    name: Name
    description: CellText = ""
    criticality: Criticality = "medium"
    codes: dict[str, Code] = Field(default_factory=dict)

    @field_validator("criticality", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("codes", mode="before")
    @classmethod
    def _codes(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: normalise_code(v) for k, v in value.items()}
        return value


class RaciSettings(Frozen):
    overload_threshold: Fraction = Decimal("0.5")
    spof_threshold: int = Field(default=5, ge=1)


class RaciBook(Frozen):
    client: Name
    settings: RaciSettings = RaciSettings()
    parties: tuple[Party, ...]
    areas: tuple[Area, ...]

    @model_validator(mode="before")
    @classmethod
    def _parties_added_as_columns(cls, data: Any) -> Any:
        """A party column added to the matrix is a party, even before it has its own row."""
        if not isinstance(data, dict):
            return data
        parties = list(data.get("parties") or [])
        known = {key(p.name if isinstance(p, Party) else str(p.get("name", ""))) for p in parties}
        for area in data.get("areas") or []:
            codes = area.codes if isinstance(area, Area) else (area.get("codes") or {})
            for name in codes:
                if key(name) not in known:
                    known.add(key(name))
                    parties.append({"name": name, "side": "Other"})
        return {**data, "parties": parties}
