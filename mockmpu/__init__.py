"""mockmpu: a fidelity-first mock of S3 and S3 Glacier multipart uploads for botocore tests.

Importing this package changes nothing in botocore: the hook is installed at the first
``start()`` (or by the pytest plugin). Everything public is listed in ``__all__``; submodules are
private.

The public names are loaded on first use (module ``__getattr__``), so ``import mockmpu`` costs
almost nothing; ``from mockmpu import mock_mpu`` loads what the mock needs, and
``from mockmpu import scenarios`` the scenario builders.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing costs milliseconds to import; mypy knows this idiom
if TYPE_CHECKING:
    from typing import Any

    from mockmpu import scenarios
    from mockmpu.core.calls import BodySummary, Call, CallList
    from mockmpu.core.errors import MockmpuError, UnmockedCallError
    from mockmpu.core.state import Clock, MpuState
    from mockmpu.faults import Faults, InjectedFault, ListingLoopError
    from mockmpu.mock import MpuMock, mock_mpu
    from mockmpu.scenarios.base import Scenario

__all__ = [
    "BodySummary",
    "Call",
    "CallList",
    "Clock",
    "Faults",
    "InjectedFault",
    "ListingLoopError",
    "MockmpuError",
    "MpuMock",
    "MpuState",
    "Scenario",
    "UnmockedCallError",
    "__version__",
    "mock_mpu",
    "scenarios",
]

__version__ = "0.1.0"

#: public name -> the module that defines it (``scenarios`` is the subpackage itself).
_LAZY = {
    "BodySummary": "mockmpu.core.calls",
    "Call": "mockmpu.core.calls",
    "CallList": "mockmpu.core.calls",
    "Clock": "mockmpu.core.state",
    "Faults": "mockmpu.faults",
    "InjectedFault": "mockmpu.faults",
    "ListingLoopError": "mockmpu.faults",
    "MockmpuError": "mockmpu.core.errors",
    "MpuMock": "mockmpu.mock",
    "MpuState": "mockmpu.core.state",
    "Scenario": "mockmpu.scenarios.base",
    "UnmockedCallError": "mockmpu.core.errors",
    "mock_mpu": "mockmpu.mock",
    "scenarios": "mockmpu.scenarios",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mockmpu' has no attribute {name!r}")
    loaded = importlib.import_module(module)
    value = loaded if name == "scenarios" else getattr(loaded, name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
