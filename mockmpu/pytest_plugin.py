"""pytest plugin: the ``mpu_mock`` fixture and the ``@pytest.mark.mpu_mock(**options)`` marker.

The ``mpu_scenario`` fixture is the scenario loaded by ``scenario=`` or by
``mockmpu.scenarios.parametrize``, with its ground truth.

When a test that used a scenario fails (through the fixture, ``@mock_mpu(scenario=...)`` or
``with mock_mpu(scenario=...)`` in the test), its report gets a section, "mockmpu: the listing
as the client walked it", from :func:`mockmpu.scenarios.explain`: each listing request's markers
and page size, what came back, and where the walk left the scenario's ground truth.

Loaded through the ``pytest11`` entry point. Clients created before a test starts, e.g. at import
of the code under test, are served too (see ``mockmpu.transports.botocore.install``).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any

import pytest

from mockmpu.core import activation
from mockmpu.mock import MpuMock
from mockmpu.scenarios.base import PARAMETRIZED, Scenario, as_scenarios

__all__ = ["mpu_mock_fixture", "mpu_scenario_fixture"]

_FAILED = pytest.StashKey[bool]()
_MOCKS = pytest.StashKey[list[MpuMock]]()
SECTION = "mockmpu: the listing as the client walked it"

_MARKER_HELP = (
    "mpu_mock(**options): use the mpu_mock fixture in this test, created with these "
    "mock_mpu options (seed=, clock=, passthrough=, scenario=, ...)."
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", _MARKER_HELP)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("mpu_mock") is not None:
            fixturenames = getattr(item, "fixturenames", None)
            if fixturenames is not None and "mpu_mock" not in fixturenames:
                fixturenames.append("mpu_mock")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # mockmpu.scenarios.parametrize marks a test (function or class) with the scenarios to run
    # it over; the parametrizing itself happens here, so only this plugin imports pytest.
    chosen = getattr(metafunc.function, PARAMETRIZED, None)
    if chosen is None and metafunc.cls is not None:
        chosen = getattr(metafunc.cls, PARAMETRIZED, None)
    if chosen is not None:
        metafunc.parametrize("mpu_scenario", chosen, ids=[s.name for s in chosen], indirect=True)


def _started(item: pytest.Item) -> list[MpuMock]:
    mocks = item.stash.get(_MOCKS, None)
    if mocks is None:
        mocks = item.stash[_MOCKS] = []
    return mocks


def _remember(item: pytest.Item, mpu: MpuMock) -> None:
    mocks = _started(item)
    if not any(m is mpu for m in mocks):
        mocks.append(mpu)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, None]:
    def started(mpu: object) -> None:
        if isinstance(mpu, MpuMock):
            _remember(item, mpu)

    stop = activation.observe(started)
    try:
        yield
    finally:
        stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if report.when == "call":
        item.stash[_FAILED] = report.failed
        if report.failed:
            error = call.excinfo.value if call.excinfo is not None else None
            text = _explanation(_started(item), error)
            if text:
                report.sections.append((SECTION, text))


def _explanation(mocks: list[MpuMock], error: BaseException | None) -> str:
    """The explanation of every scenario loaded into the test's mocks ("" when none)."""
    from mockmpu.scenarios.explain import explain

    texts = []
    for mpu in mocks:
        for scenario in mpu.scenarios:
            try:
                texts.append(explain(scenario, list(mpu.calls), error))
            except Exception as exc:  # never hide the test's own failure behind ours
                texts.append(f"(mockmpu could not explain {scenario.name!r}: {exc!r})")
    return "\n\n".join(texts)


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
    parametrized = _parametrized_scenario(request)
    if parametrized is not None:
        options["scenario"] = (*as_scenarios(options.get("scenario")), parametrized)
    mpu = MpuMock(**options)
    _remember(request.node, mpu)
    mpu.start()
    try:
        yield mpu
    finally:
        mpu.stop(quiet=request.node.stash.get(_FAILED, False))


def _parametrized_scenario(request: pytest.FixtureRequest) -> Scenario | None:
    """The scenario ``mockmpu.scenarios.parametrize`` gave this test, if any."""
    callspec = getattr(request.node, "callspec", None)
    value = callspec.params.get("mpu_scenario") if callspec is not None else None
    return value if isinstance(value, Scenario) else None


@pytest.fixture(name="mpu_scenario")
def mpu_scenario_fixture(request: pytest.FixtureRequest, mpu_mock: MpuMock) -> Scenario:
    """The scenario loaded into ``mpu_mock``, with its ground truth for this test's state.

    Set by ``mockmpu.scenarios.parametrize(...)`` or ``@pytest.mark.mpu_mock(scenario=...)``.
    """
    if _parametrized_scenario(request) is not None:
        return mpu_mock.scenarios[-1]
    return mpu_mock.scenario
