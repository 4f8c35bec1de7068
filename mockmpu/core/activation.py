"""The process-wide stack of active mocks.

Process-wide on purpose: s3transfer runs UploadPart on worker threads, so thread-locals or
contextvars would miss calls. Every check happens before any mutation, so a stray ``stop()`` cannot
corrupt the stack.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from mockmpu.core.errors import MockmpuError

if TYPE_CHECKING:
    from mockmpu.core.target import ActiveMock

__all__ = ["current", "has_active", "is_active", "pop", "push"]

_lock = threading.RLock()
_stack: list[ActiveMock] = []


def push(handle: ActiveMock) -> None:
    """Make ``handle`` the innermost active mock."""
    with _lock:
        if any(h is handle for h in _stack):
            raise MockmpuError(
                "This mock is already active; create another with mock_mpu() to nest, or share "
                "its state with mock_mpu(state=mpu.state)."
            )
        _stack.append(handle)


def pop(handle: ActiveMock) -> None:
    """Deactivate ``handle`` (usually the innermost; any position is allowed)."""
    with _lock:
        for i in range(len(_stack) - 1, -1, -1):
            if _stack[i] is handle:
                del _stack[i]
                return
        raise MockmpuError(
            "stop() was called on a mock that is not active; call start() first, or use "
            "'with mock_mpu() as mpu:' so start and stop stay paired."
        )


def is_active(handle: ActiveMock) -> bool:
    with _lock:
        return any(h is handle for h in _stack)


def has_active() -> bool:
    """True if any mock is active (lock-free: the hot path of every botocore call)."""
    return bool(_stack)


def current() -> ActiveMock | None:
    """Return the innermost active mock, or ``None``."""
    stack = _stack
    return stack[-1] if stack else None
