"""mockmpu: a fidelity-first mock of S3 and S3 Glacier multipart uploads for botocore tests.

Importing this package changes nothing in botocore: the hook is installed at the first
``start()`` (or by the pytest plugin). Everything public is listed in ``__all__``; submodules are
private.
"""

from __future__ import annotations

from . import scenarios
from ._calls import BodySummary, Call, CallList
from ._errors import MockmpuError, UnmockedCallError
from ._faults import Faults, InjectedFault, ListingLoopError
from ._mock import MpuMock, mock_mpu
from ._scenario import Scenario
from ._state import Clock, MpuState

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
