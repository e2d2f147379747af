"""``python -m xl_engage``: the command line, as ``xl-engage``."""

from xl_engage.cli import run

run()
