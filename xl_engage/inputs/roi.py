"""Assemble an ROI book: template assumptions, overridden by the MSP's own numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xl_engage.inputs.files import exact_numbers, validate_document
from xl_engage.models.base import key
from xl_engage.models.roi import RoiBook
from xl_engage.templates import load_toml, template_path


def load_roi(
    inputs: Path | None = None,
    templates: Path | str | None = None,
    owner_does_am: bool | None = None,
) -> RoiBook:
    """Template defaults (``templates/roi.toml``), then the firm's file on top, by segment."""
    template = template_path("roi.toml", templates)
    doc = load_toml(template, ("settings", "segments"))
    # the template alone first, so a typo in it is named in it, not in the firm's file
    validate_document(
        RoiBook,
        exact_numbers({"settings": doc.get("settings", {}), "segments": doc.get("segments", [])}),
        str(template),
    )
    settings: dict[str, Any] = dict(doc.get("settings", {}))
    segments: list[dict[str, Any]] = [dict(s) for s in doc.get("segments", [])]
    source = str(template)
    if inputs is not None:
        mine = load_toml(inputs, ("settings", "segments"))
        source = str(inputs)
        settings.update(mine.get("settings", {}))
        index = {key(str(s.get("name", ""))): s for s in segments}
        for seg in mine.get("segments", []):
            target = index.get(key(str(seg.get("name", ""))))
            if target is None:
                segments.append(dict(seg))
            else:
                target.update(seg)
    if owner_does_am is not None:
        settings["owner_does_am"] = owner_does_am
    data = {"settings": settings, "segments": segments}
    return validate_document(RoiBook, exact_numbers(data), source)
