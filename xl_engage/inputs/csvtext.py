"""Text exports as a grid of fields: encoding, separator and line ends decided from the file.

Exports reach an MSP from every kind of tool and every way of saving: UTF-8 with or without
a byte-order mark, Excel's "Unicode Text" (UTF-16 with a BOM, tab-separated), Windows-1252
from older accounting packages; commas, semicolons (European locales) or tabs; CRLF, LF or
the old Mac CR. Quoting is always Excel's (RFC 4180: a quote inside a quoted field is
doubled), as Excel and LibreOffice read it: ``csv.Sniffer`` guesses quoting from the first
few KB and can guess wrong, splitting a row whose first ``""`` comes later, so it is not
used. The separator is the candidate that splits the most lines into the same number of
fields.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from dataclasses import dataclass

from xl_engage.issues import InputError, Issue

SEPARATORS = (",", ";", "\t", "|")
_SAMPLE_LINES = 200
MAX_FIELD = 1 << 20
"""A field longer than this (1 MiB: an unterminated quote swallowing the file) is refused;
Excel itself holds at most 32,767 characters in a cell."""
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}


@dataclass(frozen=True)
class CsvText:
    """A decoded export: its rows of fields and how it was read."""

    rows: list[list[str]]
    encoding: str
    separator: str

    @property
    def separator_name(self) -> str:
        return _NAMES.get(self.separator, repr(self.separator))


def decode(raw: bytes, source: str) -> tuple[str, str]:
    """The file's text and the encoding it was read with.

    A BOM decides (UTF-8, UTF-16 LE/BE, UTF-32); UTF-16 without a BOM is recognised by
    its zero bytes; then strict UTF-8; otherwise Windows-1252, the encoding of most
    non-Unicode exports (every byte decodes, so the text is never refused).
    """
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    )
    for bom, encoding in boms:
        if raw.startswith(bom):
            return _strict(raw[len(bom) :], encoding, source), encoding
    head = raw[:4096]
    if len(head) >= 4 and head.count(0) >= len(head) // 3:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        encoding = "utf-16-le" if odd > even else "utf-16-be"
        return _strict(raw, encoding, source), encoding
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "windows-1252"


def _strict(raw: bytes, encoding: str, source: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            [
                Issue(
                    source,
                    f"not valid {encoding.upper()} text (byte {exc.start:,}); save it again as CSV UTF-8",
                )
            ]
        ) from None


def _split(text: str, separator: str, limit: int | None = None) -> list[list[str]]:
    if csv.field_size_limit() < MAX_FIELD:
        csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, doublequote=True, strict=False)
    if limit is None:
        return list(reader)
    rows = []
    for row in reader:
        rows.append(row)
        if len(rows) >= limit:
            break
    return rows


def sniff_separator(text: str) -> str:
    """The separator that gives the most lines the same number (> 1) of fields.

    Report-shaped exports have title lines of one field above the table, so the vote is on
    the commonest width, not on every line agreeing. Ties go to the comma.
    """
    best, best_score = ",", -1
    for sep in SEPARATORS:
        if sep not in text[:65536]:
            continue
        widths = Counter(len(r) for r in _split(text, sep, _SAMPLE_LINES) if any(f.strip() for f in r))
        width, lines = max(((w, n) for w, n in widths.items() if w > 1), key=lambda wn: wn[1], default=(1, 0))
        score = lines * 1000 + min(width, 999)
        if lines and score > best_score:
            best, best_score = sep, score
    return best


def read_csv_text(raw: bytes, source: str) -> CsvText:
    """Decode and split an export; a NUL byte anywhere refuses it in one line."""
    text, encoding = decode(raw, source)
    if text.startswith("\ufeff"):  # a BOM written twice, or inside UTF-16
        text = text[1:]
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise InputError(
            [Issue(f"{source}:{line}", "holds a NUL byte: it is not a text export; export it again as CSV")]
        )
    try:
        separator = sniff_separator(text)
        rows = _split(text, separator)
    except csv.Error as exc:
        raise InputError(
            [Issue(source, f"cannot be read as CSV ({exc}): is a quote left open? Save it again as CSV")]
        ) from None
    return CsvText(rows, encoding, separator)
