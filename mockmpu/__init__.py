"""mockmpu: a fidelity-first mock of S3 and S3 Glacier multipart uploads for botocore tests.

Importing this package changes nothing in botocore: the hook is installed at the first
``start()`` (or by the pytest plugin). Everything public is listed in ``__all__``; submodules are
private.
"""

from __future__ import annotations

from ._calls import Call, CallList
from ._errors import MockmpuError, UnmockedCallError
from ._mock import MpuMock, mock_mpu
from ._state import Clock, MpuState

__all__ = [
    "Call",
    "CallList",
    "Clock",
    "MockmpuError",
    "MpuMock",
    "MpuState",
    "UnmockedCallError",
    "__version__",
    "mock_mpu",
]

__version__ = "0.1.0"
