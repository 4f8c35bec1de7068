"""Named scenarios: the states in which real client code broke, with their ground truth.

The builders live in :mod:`mockmpu.scenarios.named`; this package re-exports them, so
``from mockmpu import scenarios; scenarios.many_uploads()`` is the public spelling. They are
loaded on first use (module ``__getattr__``): ``mock_mpu`` imports ``mockmpu.scenarios.base``
without paying for every builder.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from mockmpu.scenarios.named import *  # noqa: F403
    from mockmpu.scenarios.named import __all__ as __all__


def __getattr__(name: str) -> Any:
    if name.startswith("__") and name != "__all__":
        raise AttributeError(f"module 'mockmpu.scenarios' has no attribute {name!r}")
    named = importlib.import_module("mockmpu.scenarios.named")
    if name == "__all__":
        return list(named.__all__)
    if name not in named.__all__:
        raise AttributeError(f"module 'mockmpu.scenarios' has no attribute {name!r}")
    value = getattr(named, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    named = importlib.import_module("mockmpu.scenarios.named")
    return sorted(set(globals()) | set(named.__all__))
