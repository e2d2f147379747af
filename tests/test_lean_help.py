"""``xl-engage --help`` without markdown-it and pygments (issue 15, part 5): the stand-ins
change nothing that is shown, and load the real modules the moment anything uses them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xl_engage.cli import app

COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands if c.callback)  # type: ignore[union-attr]

HELP = """
import contextlib, io, json, sys
from xl_engage.cli import app, run  # importing the command installs nothing
assert not hasattr(sys.modules.get("rich.markdown"), "_xle_stand_in")
mode, commands = sys.argv[1], sys.argv[2:]
shown = {}
for command in [[]] + [[c] for c in commands]:
    out = io.StringIO()
    sys.argv = ["xl-engage", *command, "--help"]
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        run() if mode == "lean" else app()  # run: as the xl-engage command starts
    shown[" ".join(command)] = out.getvalue()
loaded = sorted(m for m in ("markdown_it", "pygments") if m in sys.modules)
print(json.dumps({"shown": shown, "loaded": loaded}))
"""


def _help(mode: str) -> dict[str, object]:
    env = {**os.environ, "COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-c", HELP, mode, *COMMANDS], capture_output=True, text=True, check=True, env=env
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_help_is_the_same_without_markdown_and_pygments() -> None:
    lean, full = _help("lean"), _help("full")
    assert len(COMMANDS) >= 10
    assert lean["shown"] == full["shown"]
    assert all("Usage" in text for text in lean["shown"].values())  # type: ignore[attr-defined]
    assert lean["loaded"] == []  # what the stand-ins spare
    assert full["loaded"] == ["markdown_it", "pygments"]  # what they spare it from


CODE = """
import sys
from xl_engage.lean_help import defer_unused_rich_modules
defer_unused_rich_modules()
from rich.markdown import Markdown
from rich.console import Console
text = Markdown("# Title")  # the stand-in called: the real module is loaded and answers
assert type(text).__module__ == "rich.markdown" and "markdown_it" in sys.modules
assert not getattr(sys.modules["rich.markdown"], "_xle_stand_in", False)
Console(file=open("/dev/null", "w")).print(text)
assert isinstance(text, Markdown) and issubclass(type(text), Markdown)
from rich.traceback import Traceback
try:
    raise ValueError("boom")
except ValueError as exc:
    shown = Traceback.from_exception(type(exc), exc, exc.__traceback__)  # as Typer's pretty errors ask
assert type(shown).__module__ == "rich.traceback"
import rich.traceback
assert hasattr(rich.traceback, "install") and not getattr(rich.traceback, "_xle_stand_in", False)
print("ok")
"""


def test_a_stand_in_loads_the_real_module_when_used() -> None:
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "ok", done.stderr


@pytest.mark.parametrize("name", ["Heading", "MarkdownContext"])
def test_a_name_the_stand_in_lacks_comes_from_the_real_module(name: str) -> None:
    code = (
        "from xl_engage.lean_help import defer_unused_rich_modules; defer_unused_rich_modules(); "
        f"from rich.markdown import {name}; import sys; "
        "print(sys.modules['rich.markdown'].__file__ is not None)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "True", done.stderr


PLUGINS = """
import os, sys
from pathlib import Path
client, out = sys.argv[1], sys.argv[2]
sys.argv = ["xl-engage", "budget", "--client", client, "--out", out]
from xl_engage.cli import run
try:
    run()
except SystemExit:
    pass
from pydantic.plugin import _loader
assert Path(out).exists()  # models were made
print(repr(os.environ.get("PYDANTIC_DISABLE_PLUGINS")), _loader._plugins is not None)
"""

ACME = Path(__file__).parent / "data" / "budget" / "acme" / "client.toml"


@pytest.mark.parametrize(("preset", "kept"), [(None, "'__all__'"), ("", "''"), ("logfire", "'logfire'")])
def test_the_command_skips_pydantics_plugin_search_unless_told(
    preset: str | None, kept: str, tmp_path: Path
) -> None:
    """The plugin search reads every installed package's entry points (30-40 ms of a check);
    the command leaves it out, and a variable the user set is theirs."""
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if preset is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = preset
    done = subprocess.run(
        [sys.executable, "-c", PLUGINS, str(ACME), str(tmp_path / "b.xlsx")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    shown, searched = done.stdout.strip().splitlines()[-1].split()  # after what the command said
    assert shown == kept, done.stderr
    assert searched == str(preset is not None)  # with __all__ pydantic never looked
