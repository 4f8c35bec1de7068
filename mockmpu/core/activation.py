"""The process-wide stack of active mocks, and who may push onto it.

Process-wide on purpose: s3transfer runs UploadPart on worker threads, so thread-locals or
contextvars would miss calls. An active mock therefore answers every botocore call in the
process, from any thread.

Two threads each inside its own ``mock_mpu()`` would silently answer one thread's calls from the
other's state, so a mock may only be started while no mock, or only mocks started by the same
thread, are active: a start from another thread raises :class:`MockmpuError` (nesting within one
thread, and sharing one mock with worker threads, are unaffected). Every check happens before any
mutation, so a refused ``start()`` or a stray ``stop()`` cannot corrupt the stack.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Callable

from mockmpu.core.errors import MockmpuError

if TYPE_CHECKING:
    from mockmpu.core.target import ActiveMock

__all__ = ["current", "has_active", "is_active", "observe", "pop", "push"]

_lock = threading.RLock()
_stack: list[ActiveMock] = []
_observers: list[Callable[[ActiveMock], None]] = []
#: The thread that pushed each entry of ``_stack`` (same positions).
_owners: list[threading.Thread] = []


def observe(observer: Callable[[ActiveMock], None]) -> Callable[[], None]:
    """Call ``observer(handle)`` whenever a mock starts; return the function that stops it.

    The pytest plugin uses it to find the mocks a test started, to explain a failure.
    """
    with _lock:
        _observers.append(observer)

    def stop() -> None:
        with _lock:
            if observer in _observers:
                _observers.remove(observer)

    return stop


def push(handle: ActiveMock) -> None:
    """Make ``handle`` the innermost active mock.

    Raises :class:`MockmpuError` if it is already active, or if a mock started by another thread
    is active (the stack is process-wide: the two would answer each other's calls).
    """
    me = threading.current_thread()
    with _lock:
        if any(h is handle for h in _stack):
            raise MockmpuError(
                "This mock is already active; create another with mock_mpu() to nest, or share "
                "its state with mock_mpu(state=mpu.state)."
            )
        others = [t for t in _owners if t is not me]
        if others:
            raise MockmpuError(
                f"A mock started by thread {others[-1].name!r} is active, and mocks are "
                f"process-wide, so one started in thread {me.name!r} would answer that thread's "
                "calls from its own state: start one mock and let every thread use it (calls from "
                "any thread are served), or run the threads' mocks one after the other."
            )
        _stack.append(handle)
        _owners.append(me)
        observers = list(_observers)
    for observer in observers:
        observer(handle)


def pop(handle: ActiveMock) -> None:
    """Deactivate ``handle`` (usually the innermost; any position, from any thread)."""
    with _lock:
        for i in range(len(_stack) - 1, -1, -1):
            if _stack[i] is handle:
                del _stack[i]
                del _owners[i]
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
    try:
        return _stack[-1]
    except IndexError:  # empty, or emptied by another thread's stop() since the caller looked
        return None
