"""A user's `pip install`: the built wheel (not editable), installed into a fresh venv outside
the checkout, does everything a checkout does (issue 12). Slow-ish (a venv and an install),
and never skipped: this is what a user meets first."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_NOT_SOURCE = (
    ".venv",
    "build",
    "dist",
    "out",
    "*.egg-info",
    ".git",
    "__pycache__",
    ".*_cache",
    ".hypothesis",
)


def _copy_sources(target: Path) -> None:
    """The files git would commit (tracked, or new and not ignored); without git, the tree
    less what a build or a run leaves behind."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        text=True,
    )
    if listed.returncode != 0:
        shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(*_NOT_SOURCE))
        return
    for name in listed.stdout.splitlines():
        src = ROOT / name
        if src.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / name)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the wheel, the venv's bin folder)."""
    base = tmp_path_factory.mktemp("install")
    source = base / "source"  # a copy: a build leaves no build/ in the checkout, and no stale module gets in
    _copy_sources(source)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", str(base / "dist"), str(source)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (base / "build.log").write_text(built.stdout + built.stderr)
    (wheel,) = (base / "dist").glob("xl_engage-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return wheel, venv / "bin"


def test_the_wheel_carries_the_templates_the_sample_msp_and_the_functions(
    installed: tuple[Path, Path],
) -> None:
    names = zipfile.ZipFile(installed[0]).namelist()
    templates = {p.name for p in (ROOT / "templates").glob("*.toml")}
    assert {n.rsplit("/", 1)[-1] for n in names if n.startswith("xl_engage/bundled_templates/")} >= templates
    assert "xl_engage/sample_msp/budgets/tailspin-manufacturing/assets.xlsx" in names
    assert "xle_udfs.py" in names
    assert any(n.endswith("licenses/LICENSE") for n in names)


def test_the_build_warns_of_nothing(installed: tuple[Path, Path]) -> None:
    """Packaging hygiene: setuptools says nothing is deprecated, missing or guessed. The
    only warnings allowed are the environment's own (byte-compiling switched off by
    PYTHONDONTWRITEBYTECODE), which say nothing about the package."""
    log = (installed[0].parents[1] / "build.log").read_text()
    warnings = [
        line
        for line in log.splitlines()
        if re.search(r"(?i)warning|deprecat", line) and "byte-compiling is disabled" not in line
    ]
    assert warnings == []


def test_installed_it_does_what_a_checkout_does(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, bin_ = installed
    cli = str(bin_ / "xl-engage")
    work = tmp_path / "empty"
    work.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([cli, *args], cwd=work, capture_output=True, text=True, timeout=600)

    demo = run("demo", "--out", "x")
    assert demo.returncode == 0, demo.stderr
    built = sorted((work / "x").rglob("*.xlsx"))
    checkout = subprocess.run(
        [str(Path(sys.executable).parent / "xl-engage"), "demo", "--out", str(tmp_path / "checkout")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert checkout.returncode == 0, checkout.stderr
    assert len(built) == len(list((tmp_path / "checkout").rglob("*.xlsx"))) >= 9
    for book in built:
        assert run("check", str(book)).returncode == 0, book
    assert run("init", "firm", "--sample").returncode == 0
    branding = work / "firm" / "branding.toml"
    branding.write_text(branding.read_text().replace("Northwind IT Partners", "Contoso Cyber Partners"))
    assert run("roi", "--templates", "firm", "--out", "r.xlsx").returncode == 0
    with zipfile.ZipFile(work / "r.xlsx") as zf:
        assert any(
            b"Contoso Cyber Partners" in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/")
        )
    budget = run(
        "budget", "--client", "firm/sample_msp/budgets/contoso-dental/client.toml", "--out", "b.xlsx"
    )
    assert budget.returncode == 0, budget.stderr
    (work / "firm" / "roi.toml").unlink()  # a firm folder missing a file: the packaged one, said once
    by_env = subprocess.run(
        [cli, "roi", "--out", "r2.xlsx"],
        cwd=work,
        capture_output=True,
        text=True,
        env={**os.environ, "XL_ENGAGE_TEMPLATES": "firm"},
    )
    assert by_env.returncode == 0, by_env.stderr
    assert by_env.stderr.count("roi.toml") == 1 and "bundled default is used" in by_env.stderr
    with zipfile.ZipFile(work / "r2.xlsx") as zf:
        assert any(
            b"Contoso Cyber Partners" in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/")
        )


def test_every_required_library_is_imported_by_the_package() -> None:
    """Dependencies earn their place: each one pyproject requires is imported somewhere in
    xl_engage (and nothing the package imports is missing from the list)."""
    import ast
    import tomllib

    required = {
        re.split(r"[<>=\[; ]", d, maxsplit=1)[0].lower().replace("-", "_")
        for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    }
    imported: set[str] = set()
    for path in (ROOT / "xl_engage").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0].lower() for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0].lower())
    assert required <= imported, required - imported
    third_party = imported - set(sys.stdlib_module_names) - {"xl_engage"}
    optional = {"pandas", "openpyxl", "xlwings"}  # the extras: imported lazily, said when missing
    assert third_party - optional == required, third_party - optional ^ required


def test_pip_install_pulls_no_library_the_package_does_not_import(installed: tuple[Path, Path]) -> None:
    listed = subprocess.run(
        [str(installed[1] / "python"), "-m", "pip", "list"], capture_output=True, text=True
    )
    names = {line.split()[0].lower() for line in listed.stdout.splitlines()[2:] if line.strip()}
    assert not names & {"pandas", "numpy", "openpyxl", "xlwings"}, names


def _pythons() -> list[str]:
    """This interpreter, and the other supported ones this machine has (3.12, 3.13)."""
    import shutil

    found = [str(Path(sys.base_prefix) / "bin" / "python3")]
    for version in ("3.12", "3.13"):
        path = shutil.which(f"python{version}")
        if path and subprocess.run([path, "-c", "import venv"], capture_output=True).returncode == 0:
            found.append(path)
    return found


def test_the_wheel_runs_on_every_supported_python_here(installed: tuple[Path, Path], tmp_path: Path) -> None:
    """requires-python says 3.11+: the wheel installs and builds the sample on each."""
    for python in _pythons():
        venv = tmp_path / Path(python).name
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        done = subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(installed[0])],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, (python, done.stderr)
        demo = subprocess.run(
            [str(venv / "bin" / "xl-engage"), "demo", "--out", str(tmp_path / f"demo-{venv.name}")],
            capture_output=True,
            text=True,
            timeout=600,
        )
        # every file the demo writes (it said 9 when it counted its jobs, not its workbooks)
        assert demo.returncode == 0 and "11 workbook(s)" in demo.stdout, (python, demo.stderr)
