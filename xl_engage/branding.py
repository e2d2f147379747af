"""A firm's look: name, colours, font, currency sign and logo. Loaded from ``templates/branding.toml``."""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from xl_engage.issues import InputError, Issue
from xl_engage.style import CHART_PALETTE
from xl_engage.templates import load_toml, template_path

_PNG, _JPEG = b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"
MAX_LOGO_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Branding:
    firm_name: str = "Your MSP"
    primary: str = "#1F4E79"
    input_fill: str = "#FFF2CC"
    font: str = "Calibri"
    chart_colors: tuple[str, ...] = field(default=CHART_PALETTE)
    currency_symbol: str = "$"
    logo: Path | None = None
    """A PNG or JPEG shown at the top of the first sheet (and so in the PDF)."""
    paper: str = "letter"
    """"letter" or "a4": what the firm's clients print on."""


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in pixels of a PNG or JPEG, read from its header; None when the
    bytes are not one (a truncated file, another format)."""
    if data.startswith(_PNG):
        if len(data) < 24 or data[12:16] != b"IHDR":
            return None
        size = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        return size if all(size) else None
    if not data.startswith(_JPEG):
        return None
    i = 2
    while i + 9 < len(data):  # walk the segments to a start-of-frame
        if data[i] != 0xFF:
            return None
        marker, length = data[i + 1], int.from_bytes(data[i + 2 : i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            size = int.from_bytes(data[i + 7 : i + 9], "big"), int.from_bytes(data[i + 5 : i + 7], "big")
            return size if all(size) else None
        i += 2 + length
    return None


def _logo(value: object, folder: Path) -> Path | None:
    """The logo file, checked now: a missing, unreadable, oversized or non-image logo (a
    folder, a device, a pipe) is one located line."""
    if not value:
        return None
    path = Path(str(value)).expanduser()
    if not path.is_absolute():
        path = folder / path

    def refused(why: str) -> InputError:
        return InputError([Issue("branding.toml", f"logo {path} {why}")])

    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise refused("is not a file: give a PNG or JPEG image")
        with path.open("rb") as fh:
            data = fh.read(MAX_LOGO_BYTES + 1)
    except OSError as exc:
        raise refused(f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_LOGO_BYTES:
        raise refused("is over 5 MB; use a smaller PNG or JPEG")
    if image_size(data) is None:
        raise refused("is not a PNG or JPEG image (or is damaged)")
    return path


def load_branding(templates: Path | str | None = None) -> Branding:
    source = template_path("branding.toml", templates)
    data = load_toml(
        source,
        (
            "firm_name",
            "primary_color",
            "input_fill",
            "font",
            "chart_colors",
            "currency_symbol",
            "logo",
            "paper",
        ),
    )
    colors = data.get("chart_colors")
    if colors is not None and not isinstance(colors, list):
        colors = [colors]
    return Branding(
        firm_name=str(data.get("firm_name", Branding.firm_name)),
        primary=_color("primary_color", data.get("primary_color", Branding.primary)),
        input_fill=_color("input_fill", data.get("input_fill", Branding.input_fill)),
        font=_font(data.get("font", Branding.font)),
        chart_colors=tuple(_color("chart_colors", c) for c in colors) if colors else CHART_PALETTE,
        currency_symbol=_currency(data.get("currency_symbol", Branding.currency_symbol)),
        logo=_logo(data.get("logo"), source.parent),
        paper=_paper(data.get("paper", "letter")),
    )


def _font(value: object) -> str:
    """A font name as the styles part can hold it: printable text of a sensible length."""
    text = str(value).strip()
    if not text or len(text) > 31 or not text.isprintable():
        said = f"font must be a font's name, such as Calibri; got {value!r}"
        raise InputError([Issue("branding.toml", said)])
    return text


def _color(key: str, value: object) -> str:
    text = str(value).strip()
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", text):
        raise InputError([Issue("branding.toml", f"{key} must be a colour like #1F4E79, got {value!r}")])
    return text.upper()


def _currency(value: object) -> str:
    """A sign of up to four printable characters ("$", "€", "CHF", "kr")."""
    text = str(value).strip()
    if len(text) > 4 or any(not ch.isprintable() for ch in text):
        raise InputError(
            [Issue("branding.toml", f"currency_symbol must be up to 4 printable characters, got {value!r}")]
        )
    return text


def _paper(value: object) -> str:
    paper = str(value).strip().casefold()
    if paper not in ("letter", "a4"):
        raise InputError([Issue("branding.toml", f'paper must be "letter" or "a4", got {value!r}')])
    return paper
