"""pytest plugin: the ``mpu_mock`` fixture and the ``@pytest.mark.mpu_mock(**options)`` marker.

Loaded through the ``pytest11`` entry point. Clients created before a test starts, e.g. at import
of the code under test, are served too (see ``mockmpu._hook.install``).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any

import pytest

from ._mock import MpuMock

__all__ = ["mpu_mock_fixture"]

_FAILED = pytest.StashKey[bool]()

_MARKER_HELP = (
    "mpu_mock(**options): use the mpu_mock fixture in this test, created with these "
    "mock_mpu options (seed=, clock=, passthrough=, ...)."
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", _MARKER_HELP)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("mpu_mock") is not None:
            fixturenames = getattr(item, "fixturenames", None)
            if fixturenames is not None and "mpu_mock" not in fixturenames:
                fixturenames.append("mpu_mock")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if report.when == "call":
        item.stash[_FAILED] = report.failed


@pytest.fixture(name="mpu_mock")
def mpu_mock_fixture(request: pytest.FixtureRequest) -> Iterator[MpuMock]:
    """An active :class:`mockmpu.MpuMock` for this test; options from ``@pytest.mark.mpu_mock``.

    Markers closer to the test win. At teardown, un-mocked calls swallowed by the code under test
    fail the test, unless the test already failed (its own error is never hidden).
    """
    options: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers("mpu_mock"))):
        if marker.args:
            raise TypeError(
                "@pytest.mark.mpu_mock takes keyword options only, e.g. "
                "@pytest.mark.mpu_mock(seed=7)."
            )
        options.update(marker.kwargs)
    mpu = MpuMock(**options)
    mpu.start()
    try:
        yield mpu
    finally:
        mpu.stop(quiet=request.node.stash.get(_FAILED, False))
