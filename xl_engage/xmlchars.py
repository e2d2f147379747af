"""Characters an .xlsx part cannot hold as they are: one definition for every check.

XML 1.0 holds no control character but tab, line feed and carriage return, and no U+FFFE
or U+FFFF. A cell's text escapes them (``_x000B_``); a formula's text, a table header and a
style's font name cannot.
"""

from __future__ import annotations

import re

NOT_IN_XML = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]")
"""What no part can hold as it is."""

NOT_IN_FORMULA_TEXT = re.compile("[\\x00-\\x08\\x0b-\\x1f\\ufffe\\uffff]")
"""What a formula's text cannot hold as typed: the above, and the carriage return, which
every XML reader reads as a line feed (so a comparison with the cell would fail)."""
