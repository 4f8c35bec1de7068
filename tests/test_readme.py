"""The README's complete examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def _block_after(heading: str) -> str:
    section = README.split(heading, 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


def test_glacier_example_runs() -> None:
    exec(compile(_block_after("## Glacier"), "README.md#glacier", "exec"), {})


def test_usage_example_runs() -> None:
    namespace = {"unittest": __import__("unittest")}
    exec(compile(_block_after("## Usage"), "README.md#usage", "exec"), namespace)
