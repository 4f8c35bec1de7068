"""``@mock_mpu`` on functions, coroutine functions, generator functions and TestCase classes.

Each call of a decorated function (each test method of a decorated ``unittest.TestCase``) runs
under a fresh mock made by ``fresh()``: same options, a new state unless one is shared.
"""

from __future__ import annotations

import functools
import inspect
import unittest
from collections.abc import Generator
from types import TracebackType
from typing import Any, Callable, Protocol, TypeVar, cast

import wrapt

__all__ = ["Fresh", "decorate"]

F = TypeVar("F", bound=Callable[..., Any])


class Fresh(Protocol):
    """A new, inactive mock (``MpuMock`` is one): what each decorated call runs under."""

    def start(self) -> Any: ...

    def stop(self) -> None: ...

    def __enter__(self) -> Any: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def __aenter__(self) -> Any: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


def decorate(fresh: Callable[[], Fresh], func: Any) -> Any:
    """Wrap ``func`` (function, coroutine function, generator function or TestCase class).

    Raises ``TypeError`` for async generator functions, non-TestCase classes and non-callables,
    naming what to use instead.
    """
    if inspect.isclass(func):
        return _decorate_class(fresh, func)
    if inspect.isasyncgenfunction(func):
        raise TypeError(
            "mock_mpu cannot decorate async generator functions; use 'async with "
            "mock_mpu() as mpu:' inside the function instead."
        )
    if inspect.iscoroutinefunction(func):
        return _decorate_coroutine(fresh, func)
    if inspect.isgeneratorfunction(func):
        return _decorate_generator(fresh, func)
    if not callable(func):
        raise TypeError(
            f"mock_mpu decorates functions and unittest.TestCase classes, not "
            f"{type(func).__name__}; use 'with mock_mpu() as mpu:' instead."
        )
    return _decorate_function(fresh, func)


def _decorate_function(fresh: Callable[[], Fresh], func: F) -> F:
    @wrapt.decorator
    def wrapper(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
        with fresh():
            return wrapped(*args, **kwargs)

    return cast(F, wrapper(func))


def _decorate_coroutine(fresh: Callable[[], Fresh], func: F) -> F:
    @wrapt.decorator
    async def wrapper(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
        async with fresh():
            return await wrapped(*args, **kwargs)

    return cast(F, wrapper(func))


def _decorate_generator(fresh: Callable[[], Fresh], func: F) -> F:
    @wrapt.decorator
    def wrapper(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Generator[Any, Any, Any]:
        with fresh():
            result: Any = yield from wrapped(*args, **kwargs)
        return result

    return cast(F, wrapper(func))


def _decorate_class(fresh: Callable[[], Fresh], cls: type[Any]) -> type[Any]:
    if not issubclass(cls, unittest.TestCase):
        raise TypeError(
            "mock_mpu can only decorate unittest.TestCase subclasses; for other test classes "
            "use the fixture, e.g. @pytest.mark.usefixtures('mpu_mock')."
        )
    original_setup = cls.setUp

    @functools.wraps(original_setup)
    def setUp(test: unittest.TestCase) -> None:
        mpu = fresh()
        mpu.start()
        test.addCleanup(mpu.stop)
        test.mpu = mpu  # type: ignore[attr-defined]
        original_setup(test)

    cls.setUp = setUp  # type: ignore[method-assign,assignment]
    return cls
