"""The README's "From Python" section is executed as written, in an empty folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import xl_engage as xle

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    section = README.read_text().split("## From Python", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert blocks
    monkeypatch.chdir(tmp_path)
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    assert sorted(os.listdir(tmp_path)) == ["budget.xlsx", "reconciliation.xlsx"]


def test_read_is_typed_and_refuses_another_kind(tmp_path: Path) -> None:
    from xl_engage.templates import SAMPLE_MSP

    book = xle.load_roi(SAMPLE_MSP / "roi.toml")
    path = xle.write(book, tmp_path / "roi.xlsx")
    assert isinstance(xle.read(path, xle.RoiBook).model, xle.RoiBook)
    with pytest.raises(xle.NotAWorkbookError, match="roi workbook, not a BudgetBook"):
        xle.read(path, xle.BudgetBook)
    with pytest.raises(AttributeError):
        xle.no_such_name  # noqa: B018


def test_to_frames_says_what_it_needs_without_pandas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from xl_engage.templates import SAMPLE_MSP

    loaded = xle.read(xle.write(xle.load_roi(SAMPLE_MSP / "roi.toml"), tmp_path / "r.xlsx"))
    real_import = builtins.__import__

    def no_pandas(name: str, *args: object, **kwargs: object) -> object:
        if name == "pandas":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match=r"xl-engage\[pandas\]"):
        loaded.to_frames()


def test_every_model_is_importable_from_one_place() -> None:
    import xl_engage
    import xl_engage.models as models

    for name in models.__all__:
        assert getattr(models, name) is getattr(xl_engage, name)
        assert getattr(models, name).__module__.startswith("xl_engage.models.")
