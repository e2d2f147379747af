"""The command line read from the commands' signatures (``xl_engage/cli_kit.py``): every
parameter offered, flags as flags, bounds and usage errors in one line, and ``--help``
without the heavy modules (issue 15, part 5: start-up)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import pytest

from tests.helpers import invoke
from xl_engage.cli import app
from xl_engage.cli_kit import App, Exit, Option

COMMANDS = [c.name for c in app.commands]


def test_every_command_offers_every_parameter_in_its_help() -> None:
    from xl_engage.cli_kit import _declared

    assert len(COMMANDS) >= 13
    for c in app.commands:
        shown = invoke([c.name, "--help"])
        assert shown.exit_code == 0, shown.stderr
        assert shown.stdout.startswith("usage: xl-engage " + c.name)
        for name, _, param, _ in _declared(c.func):
            if param.positional:
                assert name.upper() in shown.stdout, (c.name, name)
                continue
            for decl in param.decls or (f"--{name.replace('_', '-')}",):
                for flag in decl.split("/")[:1]:  # the second of a pair is said with the first
                    assert flag in shown.stdout, (c.name, flag)


HELP_IMPORTS = """
import contextlib, io, json, sys
sys.argv = ["xl-engage", *sys.argv[1:], "--help"]
from xl_engage.cli import run
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    run()
heavy = ("pydantic", "rich", "typer", "xlsxwriter", "python_calamine")
print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


@pytest.mark.parametrize("command", [[], ["budget"], ["reconcile"], ["check"]])
def test_help_loads_none_of_the_heavy_modules(command: list[str]) -> None:
    """What start-up costs is what it imports: --help needs argparse, not pydantic or rich."""
    done = subprocess.run(
        [sys.executable, "-c", HELP_IMPORTS, *command], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def _toy() -> App:
    toy = App(prog="toy")

    @toy.command()
    def go(
        pdf: Annotated[bool, Option("--pdf", help="A flag.")] = False,
        strict: Annotated[bool, Option(help="A pair.")] = False,
        owner: Annotated[bool | None, Option("--owner/--dedicated", help="Two names.")] = None,
        month: Annotated[int, Option(min=1, max=12, help="Bounded.")] = 1,
        files: Annotated[list[Path] | None, Option("--file", help="Repeated.")] = None,
        out: Annotated[Path, Option("--out", "-o", help="Required.")] = Path("x"),
    ) -> None:
        print(json.dumps([pdf, strict, owner, month, [str(f) for f in files or []], str(out)]))
        raise Exit(3 if pdf else 0)

    return toy


def _run_toy(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        _toy()(args)
    got = capsys.readouterr()
    return int(done.value.code or 0), got.out, got.err


def test_flags_pairs_bounds_and_repeats(capsys: pytest.CaptureFixture[str]) -> None:
    code, said, _ = _run_toy(["go"], capsys)
    assert (code, json.loads(said)) == (0, [False, False, None, 1, [], "x"])
    code, said, _ = _run_toy(
        ["go", "--pdf", "--strict", "--dedicated", "--month", "12", "--file", "a", "--file", "b", "-o", "y"],
        capsys,
    )
    assert (code, json.loads(said)) == (3, [True, True, False, 12, ["a", "b"], "y"])  # Exit(3)
    _, said, _ = _run_toy(["go", "--no-strict", "--owner"], capsys)
    assert json.loads(said)[1:3] == [False, True]
    _, said, _ = _run_toy(["go", "--owner", "--dedicated", "--strict", "--no-strict"], capsys)
    assert json.loads(said)[1:3] == [False, False]  # both of a pair given: the last one wins, as Typer did
    _, said, _ = _run_toy(["go", "-o", "-x.xlsx", "--file", "-a.csv"], capsys)  # values starting with -
    assert json.loads(said)[4:] == [["-a.csv"], "-x.xlsx"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["go", "--month", "13"],
            "toy go: argument --month: 13 is not between 1 and 12 (see 'toy go --help')",
        ),
        (["go", "--month", "x"], "toy go: argument --month: 'x' is not a whole number (see 'toy go --help')"),
        (
            ["go", "--pdf=yes"],
            "toy go: argument --pdf: ignored explicit argument 'yes' (see 'toy go --help')",
        ),
        (
            ["go", "--mont", "2"],
            "toy go: unrecognized arguments: --mont 2 (see 'toy go --help')",
        ),  # no abbreviations; said by the command, naming its own help
    ],
)
def test_a_usage_error_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    code, _, err = _run_toy(args, capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and err.strip().startswith(says), err


def test_the_real_command_says_its_bounds_and_required_options() -> None:
    bad = invoke(["budget", "--horizon", "11"])
    assert bad.exit_code == 2 and "11 is not between 1 and 10" in bad.stderr and bad.stderr.count("\n") == 1
    missing = invoke(["inspect", "export.csv"])
    assert missing.exit_code == 2 and "the following arguments are required: --as" in missing.stderr
    version = invoke(["--version"])
    assert version.exit_code == 0 and version.stdout.startswith("xl-engage ")
    assert invoke([]).exit_code == 0 and "commands:" in invoke([]).stdout


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


def test_help_shows_every_name_defaults_and_percent_signs() -> None:
    raci = invoke(["raci", "--help"]).stdout
    assert "--blank" in raci and "(default: 2)" in raci  # the second of a pair, a default
    assert "20 % rule" in invoke(["pricing", "--help"]).stdout  # not "20 %%"
    assert "20 % rule" in invoke(["--help"]).stdout


def test_output_to_a_reader_that_stops_early_is_no_traceback(tmp_path: Path) -> None:
    """``check --json BOOK | head -c 1`` printed a BrokenPipeError traceback (a review)."""
    book = invoke(["roi", "--out", str(tmp_path / "r.xlsx")])
    assert book.exit_code == 0, book.stderr
    cli = str(Path(sys.executable).parent / "xl-engage")
    done = subprocess.run(
        f"'{cli}' check --json '{tmp_path / 'r.xlsx'}' | head -c 1",
        shell=True,
        capture_output=True,
        text=True,
    )
    assert done.stdout == "{" and "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, (
        done.stderr
    )


def test_version_acts_before_the_command_and_messages_keep_brackets(tmp_path: Path) -> None:
    assert invoke(["--version", "check"]).stdout.startswith("xl-engage ")
    for typo in (["version"], ["bugdet", "--version"], ["---version"]):  # a review: all said the version
        said = invoke(typo)
        assert said.exit_code == 2 and not said.stdout, (typo, said)
        assert "invalid choice" in said.stderr or "unrecognized arguments" in said.stderr, (typo, said)
    for forgot in (["--client", "--out=x.xlsx"], ["--client", "-ox.xlsx"], ["--client", "--"]):
        said = invoke(["raci", *forgot])  # a value left out: the next option is not taken for it
        assert said.exit_code == 2 and "--client: expected one argument" in said.stderr, (forgot, said)
    named = tmp_path / "Budget [v2] r[/]x.xlsx"
    done = invoke(["raci", "--client", "[profile]", "--out", str(named)])
    assert done.exit_code == 0 and done.stdout.strip() == f"wrote {named}", done.stdout + done.stderr
    wrong = invoke(["raci", "--out", str(tmp_path / "r.pdf")])
    assert wrong.exit_code == 2 and "give r.xlsx" in wrong.stderr
