"""A firm's look: name, colours, font. Loaded from ``templates/branding.toml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from xl_engage.templates import load_toml, template_path


@dataclass(frozen=True)
class Branding:
    firm_name: str = "Your MSP"
    primary: str = "#1F4E79"
    input_fill: str = "#FFF2CC"
    font: str = "Calibri"
    chart_colors: tuple[str, ...] = field(
        default=("#1F4E79", "#2E75B6", "#9DC3E6", "#F4B183", "#A9D18E", "#FFD966")
    )


def load_branding(templates: Path | str | None = None) -> Branding:
    data = load_toml(
        template_path("branding.toml", templates),
        ("firm_name", "primary_color", "input_fill", "font", "chart_colors"),
    )
    colors = data.get("chart_colors")
    return Branding(
        firm_name=str(data.get("firm_name", Branding.firm_name)),
        primary=str(data.get("primary_color", Branding.primary)),
        input_fill=str(data.get("input_fill", Branding.input_fill)),
        font=str(data.get("font", Branding.font)),
        chart_colors=tuple(colors) if colors else Branding().chart_colors,
    )
