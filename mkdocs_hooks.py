"""MkDocs hook: keep the test settings of code fences out of the rendered page.

The Python blocks of these pages carry pytest-examples settings in their fence line
(```` ```python test="pytest" requires="moto" ````; tests/test_docs.py reads them). Markdown's
fence syntax does not allow such settings, so without this hook the block would not be rendered
as code at all. Only the rendering drops them; the files keep them.
"""

from __future__ import annotations

import re
from typing import Any

_SETTINGS = re.compile(r"^(\s*```[\w+-]+)[ \t]+[A-Za-z_]+=.*$", re.MULTILINE)


def on_page_markdown(markdown: str, **_: Any) -> str:
    return _SETTINGS.sub(r"\1", markdown)
