"""``mock_mpu`` and its handle, ``MpuMock``: context manager, start/stop, records, views.

The decorator forms are in :mod:`mockmpu.mock.decorate`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, TypeVar, overload

from mockmpu.core import activation as _activation
from mockmpu.core.calls import (
    Call,
    CallList,
    describe_call,
    parse_operation_ref,
)
from mockmpu.core.errors import MockmpuError, UnmockedCallError
from mockmpu.core.state import DEFAULT_ACCOUNT_ID, Clock, ClockSource, MpuState
from mockmpu.faults import DEFAULT_LOOP_GUARD, Faults
from mockmpu.glacier.view import GlacierView
from mockmpu.mock.messages import swallowed_message, unmocked_message
from mockmpu.s3.view import S3View
from mockmpu.scenarios.base import Scenario, as_scenarios
from mockmpu.services import SERVED
from mockmpu.transports import moto as _moto

if TYPE_CHECKING:
    import unittest

__all__ = ["MpuMock", "mock_mpu"]

F = TypeVar("F", bound=Callable[..., Any])


class MpuMock:
    """The mock handle: a decorator, a (sync and async) context manager, and the fake's state.

    Create it with :func:`mock_mpu`. While active, every botocore client in the process is answered
    for the S3 and Glacier multipart operations from :attr:`state`; any other call raises
    :class:`UnmockedCallError` unless listed in ``passthrough``.

    Attributes:
        state: the fake (``MpuState``); share it with ``mock_mpu(state=mpu.state)``, write it
            to a scenario file with :meth:`save`.
        s3: arrange and assert S3 buckets, uploads, parts and completed objects.
        glacier: arrange and assert Glacier vaults, uploads, parts and archives.
        calls: every call answered, oldest first.
        unmocked: descriptions of the un-mocked calls that were refused.
        faults: injected service errors, S3 protocol faults and the listing loop guard.
        scenarios: the ``scenario=`` option's scenarios, loaded into :attr:`state` (with their
            ground truth); :attr:`scenario` is the only one.
        wire: ``True`` (default): every served call is rendered to AWS's bytes and parsed by
            botocore; ``False``: the dict path (see :func:`mock_mpu`).
    """

    def __init__(
        self,
        *,
        seed: int | None = 0,
        clock: Clock | ClockSource = None,
        account_id: str = DEFAULT_ACCOUNT_ID,
        keep_bodies: bool | None = None,
        passthrough: Iterable[str] = (),
        assert_all_calls_mocked: bool = True,
        state: MpuState | str | os.PathLike[str] | None = None,
        loop_guard: int | None = DEFAULT_LOOP_GUARD,
        scenario: Scenario | Iterable[Scenario] | None = None,
        wire: bool = True,
    ) -> None:
        if state is not None and (
            seed != 0
            or clock is not None
            or account_id != DEFAULT_ACCOUNT_ID
            or keep_bodies is not None
        ):
            raise MockmpuError(
                "state= brings its own seed, clock, account_id and keep_bodies, so leave those "
                "options out (change mpu.state after it loads instead)."
            )
        if not isinstance(wire, bool):
            raise MockmpuError(f"wire= takes True or False, not {wire!r}.")
        if isinstance(passthrough, str):
            raise MockmpuError(
                "passthrough takes a collection of 'service:Operation' strings, e.g. "
                "passthrough={'s3:GetObject'}, not a single string."
            )
        self._options: dict[str, Any] = {
            "seed": seed,
            "clock": clock,
            "account_id": account_id,
            "keep_bodies": keep_bodies,
            "passthrough": tuple(passthrough),
            "assert_all_calls_mocked": assert_all_calls_mocked,
            "state": state,
            "loop_guard": loop_guard,
            "scenario": scenario,
            "wire": wire,
        }
        self._passthrough = frozenset(parse_operation_ref(ref) for ref in passthrough)
        self._assert_all_calls_mocked = assert_all_calls_mocked
        self.state = (
            _resolve_state(state)
            if state is not None
            else MpuState(
                seed=seed,
                clock=clock,
                account_id=account_id,
                keep_bodies=True if keep_bodies is None else keep_bodies,
            )
        )
        self.s3 = S3View(self.state)
        self.glacier = GlacierView(self.state)
        self.calls = CallList()
        self.unmocked: list[str] = []
        self.faults = Faults(self.state, loop_guard=loop_guard)
        self.scenarios = tuple(s.load(self.state) for s in as_scenarios(scenario))
        self._record_lock = threading.Lock()
        self._started = False
        self.wire = wire

    @property
    def scenario(self) -> Scenario:
        """The scenario loaded by ``scenario=``, bound to this mock's state (its ground truth)."""
        if len(self.scenarios) != 1:
            raise MockmpuError(
                f"This mock loaded {len(self.scenarios)} scenarios; pass one with "
                "mock_mpu(scenario=...), or pick one from mpu.scenarios."
            )
        return self.scenarios[0]

    def __repr__(self) -> str:
        status = "active" if self.active else "inactive"
        return f"<MpuMock {status}, {len(self.calls)} calls>"

    # ------------------------------------------------------------------ activation

    @property
    def active(self) -> bool:
        return _activation.is_active(self)

    def start(self) -> MpuMock:
        """Activate this mock (innermost wins); return it.

        An active mock answers calls from every thread (s3transfer's workers included). Raises
        :class:`MockmpuError` if this mock is already active, or if a mock started by another
        thread is active: mocks are process-wide, so two threads' mocks would answer each
        other's calls (README.md, "Reliability").
        """
        from mockmpu.transports.install import install

        install()
        _activation.push(self)
        self._started = True
        return self

    def stop(self, *, quiet: bool = False) -> None:
        """Deactivate this mock.

        Raises :class:`UnmockedCallError` if un-mocked calls were made and swallowed by the code
        under test, then ``ListingLoopError`` if a listing loop was stopped and swallowed (both
        skipped with ``quiet=True``). Stopping an already stopped mock does nothing;
        stopping one that was never started raises :class:`MockmpuError`.
        """
        if not self._started and not self.active:
            _activation.pop(self)  # raises the clear error, touching nothing
        if not self.active:
            return
        _activation.pop(self)
        if not quiet:
            self.assert_no_unmocked_calls()
            self.faults.assert_no_loops()

    def __enter__(self) -> MpuMock:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop(quiet=exc_type is not None)

    async def __aenter__(self) -> MpuMock:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop(quiet=exc_type is not None)

    # ------------------------------------------------------------------ scenario files

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the whole fake state to ``path`` as a scenario file (readable, versioned JSON).

        The file holds every bucket, upload, part, completed object, vault, archive and Glacier
        bookkeeping, ``state.behaviour``, the account id, ``keep_bodies``, the id generator's
        position and the clock's current instant. ``mock_mpu(state=path)`` loads it, frozen at
        that instant, and from there the same calls get byte-identical responses. Saving the
        same state twice writes the same bytes. Part bodies are included (base64) only with
        ``keep_bodies``. The format is described in the docs (docs/scenarios.md, "Scenario files").

        Raises :class:`MockmpuError` when the file cannot be written.

        Not modelled: a wall or callable clock is not kept running (the file loads frozen at the
        instant of the save); ``mpu.calls``, ``mpu.unmocked``, ``mpu.faults`` and the other
        handle options belong to the handle and are not saved.
        """
        from mockmpu.scenarios.store import save_state

        save_state(self.state, path)

    # ------------------------------------------------------------------ decorator

    def fresh(self) -> MpuMock:
        """Return a new, inactive mock with the same options (and a new state unless shared)."""
        return MpuMock(**self._options)

    @overload
    def __call__(self, func: type[unittest.TestCase]) -> type[unittest.TestCase]: ...

    @overload
    def __call__(self, func: F) -> F: ...

    def __call__(self, func: Any) -> Any:
        """Decorate a function, coroutine function, generator function or TestCase class.

        Each call of the decorated function runs under a fresh mock with these options.
        """
        # Imported here: the decorators use wrapt, which imports asyncio (issue 13).
        from mockmpu.mock.decorate import decorate

        return decorate(self.fresh, func)

    # ------------------------------------------------------------------ serving

    def lets_through(self, service: str, operation: str) -> bool:
        """True if this call should go on to botocore's normal path (or another mock).

        While moto's ``mock_aws`` is active too, that includes every call moto answers: the
        operations mockmpu does not serve, and the bucket and object operations (moto owns
        buckets and objects then; see ``transports/moto.py``).
        """
        if (service, operation) in self._passthrough or (service, "*") in self._passthrough:
            return True
        if _moto.answers(service, operation):
            return True
        return (service, operation) not in SERVED and not self._assert_all_calls_mocked

    def record(self, call: Call) -> None:
        """Append one answered call to :attr:`calls` (thread-safe; the dispatcher calls it)."""
        with self._record_lock:
            self.calls.append(call)

    def unmocked_call(
        self, service: str, operation: str, params: Mapping[str, Any]
    ) -> UnmockedCallError:
        """Record a refused call and return the error to raise."""
        described = describe_call(service, operation, params)
        with self._record_lock:
            self.unmocked.append(described)
        return UnmockedCallError(unmocked_message(described, service, operation))

    def assert_no_unmocked_calls(self) -> None:
        """Raise :class:`UnmockedCallError` if any un-mocked call was refused (and swallowed)."""
        with self._record_lock:
            refused = list(self.unmocked)
        if refused:
            raise UnmockedCallError(swallowed_message(refused))

    def attach(self, client: Any) -> Any:
        """Register mockmpu's handlers on a client, resource or session now; return it.

        Not needed for botocore/boto3 clients, nor aiobotocore/aioboto3 ones: every client is
        attached on its first call while a mock is active, whenever it was created. Useful for a
        session whose emitter you pass on to code that builds clients in unusual ways. Takes
        aiobotocore clients and sessions too (they get the async ``before-send``). Idempotent.
        """
        from mockmpu.transports.install import attach

        attach(client)
        return client


def _resolve_state(state: MpuState | str | os.PathLike[str]) -> MpuState:
    """Return ``state``, or the state loaded from the scenario file at that path."""
    if isinstance(state, MpuState):
        return state
    if isinstance(state, (str, os.PathLike)):
        from mockmpu.scenarios.store import load_state

        return load_state(state)
    raise MockmpuError(
        "state= takes an MpuState to share or the path of a scenario file written by "
        f"mpu.save(), not {type(state).__name__}."
    )


@overload
def mock_mpu(func: F, /) -> F: ...


@overload
def mock_mpu(
    *,
    seed: int | None = 0,
    clock: Clock | ClockSource = None,
    account_id: str = DEFAULT_ACCOUNT_ID,
    keep_bodies: bool | None = None,
    passthrough: Iterable[str] = (),
    assert_all_calls_mocked: bool = True,
    state: MpuState | str | os.PathLike[str] | None = None,
    loop_guard: int | None = DEFAULT_LOOP_GUARD,
    scenario: Scenario | Iterable[Scenario] | None = None,
    wire: bool = True,
) -> MpuMock: ...


def mock_mpu(func: Any = None, /, **options: Any) -> Any:
    """Mock S3 and Glacier multipart uploads for every botocore client in the process.

    Forms: ``@mock_mpu``, ``@mock_mpu(seed=7)``, ``with mock_mpu() as mpu:``,
    ``async with mock_mpu() as mpu:``, ``mpu = mock_mpu(); mpu.start(); ...; mpu.stop()``, on
    ``async def`` functions, generator functions and ``unittest.TestCase`` classes (fresh state per
    test method, available as ``self.mpu``).

    Options (keyword-only):
        seed: seeds upload, archive and request ids; same seed + same calls = same bytes.
        clock: ``None`` (wall clock, UTC), a timezone-aware ``datetime`` (frozen there), a
            callable returning one, or a ``Clock``; ``mpu.state.clock.advance(days=10)`` moves it.
        account_id: the 12-digit account Glacier's ``-`` stands for.
        keep_bodies: keep part bodies (the default), so completed objects can be read back
            (GetObject) and stored in moto's backend; past 32 MiB in total they spill to a
            temporary file, so memory stays bounded. ``False`` keeps only sizes and hashes.
        passthrough: ``{"s3:GetObject", "sts:*"}``: calls that go on to botocore's normal path.
        assert_all_calls_mocked: raise :class:`UnmockedCallError` for any other call (default).
        state: an ``MpuState`` to share, e.g. ``mock_mpu(state=outer.state)``, or the path of
            a scenario file written by ``mpu.save(path)``, loaded afresh for each mock (so each
            decorated call or test starts from the file). Not combinable with ``seed``,
            ``clock``, ``account_id`` or ``keep_bodies``, which the state brings.
        loop_guard: how many times one listing position may get the same answer before the
            mock raises ``ListingLoopError`` instead (default 100; ``None`` disables it). See
            ``mpu.faults.loop_guard``.
        scenario: a ``mockmpu.scenarios`` scenario, or several, built into each mock's fresh
            state (so every decorated call or test gets its own); the loaded one, with its
            ground truth, is ``mpu.scenario`` (``mpu.scenarios`` for several).
        wire: ``True`` (default): every served call is rendered to the bytes AWS sends and
            parsed by botocore itself. ``False``: the dict path, faster for large listings
            (docs/usage.md, "The dict path"): served calls are answered at botocore's
            ``before-call`` with the dict botocore's parser would have produced (the same
            values, types, ``ResponseMetadata`` and modeled exceptions, proven by a differential
            test), skipping signing, rendering and parsing. It skips botocore's retry
            handler and its 200-with-error handling too, so calls an injected fault
            (``mpu.faults.fail``) targets, and errors botocore may retry, go through the wire
            path; so do the few answers the dict path cannot give exactly.

    Un-mocked calls: while the mock is active, a call of any operation it does not serve raises
    ``UnmockedCallError`` (an ``AssertionError``, never retried) naming the call. Two remedies:
    ``passthrough={"s3:GetObject"}`` (``"s3:*"`` for a whole service) lets those calls go on to
    botocore's normal path, and so to AWS with the credentials and network that needs; or
    activate moto's ``mock_aws`` together with this mock, and moto answers every call mockmpu
    does not serve (buckets and objects included) while mockmpu keeps the multipart operations.

    aiobotocore's async clients (s3fs, aioboto3) are served as well, with ``mockmpu[async]``
    (README.md, "Async clients"); ``wire=False`` answers them on the wire path.

    Not modelled: clients created before the hook was installed outside pytest (use
    ``mpu.attach(client)``).
    """
    if func is None:
        return MpuMock(**options)
    if options:
        raise TypeError("Use @mock_mpu or @mock_mpu(**options), not both.")
    return MpuMock()(func)
