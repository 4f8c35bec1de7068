"""mockmpu: a fidelity-first mock of S3 and S3 Glacier multipart uploads for botocore tests.

Importing this package changes nothing in botocore: the hook is installed at the first
``start()`` (or by the pytest plugin). Everything public is listed in ``__all__``; submodules are
private.
"""

from __future__ import annotations

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
