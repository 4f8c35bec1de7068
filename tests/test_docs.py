"""Every Python block of README.md and docs/*.md runs as written (pytest-examples finds them).

A block's fence may carry settings (pytest-examples' ``key="value"`` syntax):

- ``test="pytest"``: the block is a test module; it is written to a file and run by pytest
  (with mockmpu's plugin), and every test in it must pass;
- ``requires="s3fs,aioboto3"``: skipped unless those modules import (an optional extra; CI runs
  it where the extra is installed);
- ``test="skip" reason="..."``: not run, and the reason is required (e.g. it needs a server or
  files from a real AWS account).

Other blocks run with ``exec`` in a fresh namespace, in a temporary working directory, with
dummy AWS credentials and the EC2 metadata service disabled (as the docs' "Credentials" section
tells CI users to do). Blocks in other languages (``sh``, ``text``) are not executed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest_examples = pytest.importorskip("pytest_examples")

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLES = list(pytest_examples.find_examples(*PAGES))


def _id(example: Any) -> str:
    return f"{Path(example.path).relative_to(ROOT)}:{example.start_line}"


def test_the_pages_have_python_blocks() -> None:
    pages = {Path(e.path).name for e in EXAMPLES}
    assert {"README.md", "usage.md", "scenarios.md", "faults.md", "glacier.md"} <= pages


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    saved = dict(os.environ)  # a block may write os.environ: restore all of it afterwards
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "mockmpu")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "mockmpu")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    os.environ.clear()
    os.environ.update(saved)


@pytest.mark.parametrize("example", EXAMPLES, ids=_id)
def test_block_runs(example: Any, aws_env: Path, request: pytest.FixtureRequest) -> None:
    settings = example.prefix_settings()
    mode = settings.get("test", "exec")
    if mode == "skip":
        reason = settings.get("reason")
        assert reason, f'{_id(example)}: a block that cannot run says why: reason="..."'
        pytest.skip(reason)
    for module in filter(None, settings.get("requires", "").split(",")):
        pytest.importorskip(module.strip())
    if mode == "pytest":
        pytester: pytest.Pytester = request.getfixturevalue("pytester")
        pytester.makepyfile(**{"test_block": example.source})
        result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
        outcomes = result.parseoutcomes()
        assert result.ret == 0, result.stdout.str()
        assert outcomes.get("passed", 0) > 0 and not outcomes.get("skipped"), outcomes
        return
    assert mode == "exec", f"{_id(example)}: unknown test={mode!r}"
    code = compile(example.source, _id(example), "exec")
    exec(code, {"__name__": "__doc_block__"})
