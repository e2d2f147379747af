"""Start a responsibility matrix from the firm's library: the typical assignment for an
MSP-managed client of a maturity level, or a blank matrix of the same areas."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from xl_engage.inputs.files import validate_document
from xl_engage.issues import InputError, Issue
from xl_engage.models.base import Frozen, Name, key
from xl_engage.models.raci import Area, Code, Party, RaciBook, RaciSettings
from xl_engage.templates import check_keys, load_toml, template_path


class Assignment(Frozen):
    """The codes every area of a category gets, for clients at ``min_maturity`` or above."""

    category: Name
    min_maturity: int = Field(default=1, ge=1, le=5)
    codes: dict[str, Code]


class Library(Frozen):
    parties: tuple[Party, ...]
    areas: tuple[Area, ...]
    assignments: tuple[Assignment, ...] = ()


def load_library(templates: Path | str | None = None) -> Library:
    path = template_path("raci.toml", templates)
    return validate_document(Library, load_toml(path), str(path))


def codes_for(library: Library, category: str, maturity: int) -> dict[str, Code]:
    """The assignment of the highest maturity level not above the client's."""
    fitting = [
        a for a in library.assignments if key(a.category) == key(category) and a.min_maturity <= maturity
    ]
    return dict(max(fitting, key=lambda a: a.min_maturity).codes) if fitting else {}


def start_matrix(
    client: str,
    start: Literal["template", "blank"] = "template",
    maturity: int = 2,
    templates: Path | str | None = None,
    settings: dict[str, Any] | None = None,
) -> RaciBook:
    """The library's areas and parties; codes from the typical assignment, or none."""
    library = load_library(templates)
    areas = tuple(
        a.model_copy(
            update={"codes": codes_for(library, a.category, maturity) if start == "template" else {}}
        )
        for a in library.areas
    )
    return RaciBook(
        client=client, settings=RaciSettings(**(settings or {})), parties=library.parties, areas=areas
    )


def load_sample(path: Path, templates: Path | str | None = None) -> list[RaciBook]:
    """The sample MSP's clients: each a maturity level plus its own changes to the template."""
    doc = load_toml(path, ("clients",))
    books = []
    for i, client in enumerate(doc.get("clients", [])):
        check_keys(client, ("name", "maturity", "parties", "changes"), f"{path} clients[{i + 1}]")
        book = start_matrix(client["name"], "template", int(client.get("maturity", 2)), templates)
        data = book.model_dump()
        extra_parties = client.get("parties", [])
        data["parties"] = [*data["parties"], *extra_parties]
        changes = {(key(c["category"]), key(c["area"])): c["codes"] for c in client.get("changes", [])}
        for area in data["areas"]:
            change = changes.pop((key(area["category"]), key(area["name"])), None)
            if change is not None:
                area["codes"] = {p: c for p, c in {**area["codes"], **change}.items() if c}
        if changes:
            raise InputError(
                [
                    Issue(f"{path} clients[{i + 1}]", f"no area {area!r} in {category!r}")
                    for category, area in changes
                ]
            )
        books.append(validate_document(RaciBook, data, f"{path} clients[{i + 1}]"))
    return books
