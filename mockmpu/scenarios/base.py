"""The ``Scenario`` type: a named recipe for a state plus the ground truth it leaves behind.

A scenario is cheap to create: nothing is built until its truth is read or it is loaded into a
state. ``load(target)`` builds it into that state (through the ``_s3`` / ``_glacier`` semantics,
never the wire) and returns a new ``Scenario`` bound to it; reading the truth of an unbound
scenario builds it once into a private ``MpuState(seed=..., clock=...)``. The recipes live in
``_scenario_build``; the public builders and their documentation in ``mockmpu.scenarios``.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Union

from mockmpu.core.errors import MockmpuError
from mockmpu.core.state import Clock, ClockSource, GlacierUpload, MpuState, ServerBehaviour, Upload
from mockmpu.glacier.view import GlacierView
from mockmpu.s3.view import S3View

__all__ = ["KINDS", "Recipe", "Scenario", "Step", "Truth", "UploadRef", "as_scenarios"]

#: The kinds of scenario: which listing a client under test walks.
KINDS = ("s3-listing", "s3-parts", "glacier-listing", "glacier-parts")

#: Set by ``scenarios.parametrize`` on a test (its scenarios); the pytest plugin parametrizes
#: ``mpu_scenario`` over it, so nothing below the plugin imports pytest.
PARAMETRIZED = "_mockmpu_parametrized"

AnyUpload = Union[Upload, GlacierUpload]


@dataclass(frozen=True)
class UploadRef:
    """One in-progress upload as a correct client sees it.

    ``key`` is the S3 object key (``None`` for Glacier); ``initiated`` is S3's ``Initiated`` or
    Glacier's ``CreationDate`` (UTC, whole seconds, so the wire's millisecond timestamps equal it).
    """

    key: str | None
    upload_id: str
    initiated: datetime


@dataclass(frozen=True)
class Step:
    """One change a scenario makes between two pages: abort or complete an upload.

    ``index`` is the upload's position in the scenario's listing at load time.
    """

    action: str  # "abort" or "complete"
    index: int


@dataclass
class Truth:
    """What a recipe built, read through :class:`Scenario` (all fields at load time)."""

    service: str  # "s3" or "glacier"
    container: str  # bucket or vault name
    uploads: Sequence[AnyUpload]  # every in-progress upload of the container, listing order
    now: datetime
    page_size: int
    upload: AnyUpload | None = None  # the upload whose parts the scenario is about
    part_numbers: tuple[int, ...] = ()
    part_ranges: tuple[str, ...] = ()
    boundary_key: str | None = None
    plan: Mapping[int, Sequence[Step]] = field(default_factory=dict)


Recipe = Callable[[MpuState], Truth]


def _state_of(target: Any) -> MpuState:
    state = getattr(target, "state", target)
    if not isinstance(state, MpuState):
        raise MockmpuError(
            f"Scenarios load into an MpuMock or an MpuState, not {type(target).__name__}; "
            "pass the mock handle, e.g. scenario.load(mpu)."
        )
    return state


def _ref(upload: AnyUpload) -> UploadRef:
    if isinstance(upload, Upload):
        return UploadRef(upload.key, upload.upload_id, upload.initiated)
    return UploadRef(None, upload.upload_id, upload.created)


class Scenario:
    """A named state that reproduces a real client bug, with the ground truth to assert against.

    Created by the builders in :mod:`mockmpu.scenarios` (``scenarios.colliding_keys()``). Load it
    into a mock with ``mock_mpu(scenario=...)``, ``@pytest.mark.mpu_mock(scenario=...)`` or
    ``scenario.load(mpu)``; the loaded scenario (``mpu.scenario``) carries the exact upload ids
    drawn from that mock's seed. Reading the truth of a scenario that was never loaded builds it
    once into a private state (``scenario.state``) with the builder's ``seed`` and ``clock``.

    Attributes:
        name: unique, readable id (``"colliding-keys"``), used as the pytest id.
        kind: one of ``KINDS``: the listing a client walks.
        summary: one line, for ``python -m mockmpu scenarios``.
        bugs: the bug-catalog entries it reproduces (``("BUG-04",)``).
        faults: the ``ServerBehaviour`` switches it sets (empty: AWS's behaviour).
        params: the builder's arguments.
    """

    def __init__(
        self,
        *,
        name: str,
        kind: str,
        summary: str,
        bugs: Sequence[str],
        recipe: Recipe,
        params: Mapping[str, Any],
        faults: Mapping[str, Any] | None = None,
        seed: int | None = 0,
        clock: Clock | ClockSource = None,
    ) -> None:
        if kind not in KINDS:
            raise MockmpuError(f"Scenario kind {kind!r} is not one of {', '.join(KINDS)}.")
        self.name = name
        self.kind = kind
        self.summary = summary
        self.bugs = tuple(bugs)
        self.params: Mapping[str, Any] = dict(params)
        self.faults: Mapping[str, Any] = dict(faults or {})
        self._recipe = recipe
        self._seed = seed
        self._clock = clock
        self._state: MpuState | None = None
        self._truth: Truth | None = None
        self._lock = threading.Lock()
        self._applied: set[int] = set()

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        bound = " (loaded)" if self._truth is not None else ""
        return f"<Scenario {self.name}({args}){bound}>"

    # ------------------------------------------------------------------------------- loading

    def load(self, target: Any) -> Scenario:
        """Build this scenario into ``target`` (an ``MpuMock`` or ``MpuState``); return it bound.

        The returned scenario's truth names the uploads just created there (ids from the
        target's seed). Raises :class:`MockmpuError` if the target already holds the scenario's
        bucket or vault with uploads in it, or a different value for one of its fault switches.
        """
        bound = Scenario(
            name=self.name,
            kind=self.kind,
            summary=self.summary,
            bugs=self.bugs,
            recipe=self._recipe,
            params=self.params,
            faults=self.faults,
            seed=self._seed,
            clock=self._clock,
        )
        bound._bind(_state_of(target))
        return bound

    def _bind(self, state: MpuState) -> None:
        # A recipe allocates up to millions of records and frees almost none: the cyclic
        # collector would walk them again and again (half the time of a million uploads).
        paused = gc.isenabled()
        gc.disable()
        try:
            with state.lock:
                self._set_faults(state.behaviour)
                self._truth = self._recipe(state)
        finally:
            if paused:
                gc.enable()
        self._state = state

    def _set_faults(self, behaviour: ServerBehaviour) -> None:
        defaults = ServerBehaviour()
        for name, value in self.faults.items():
            current = getattr(behaviour, name)
            if current != value and current != getattr(defaults, name):
                raise MockmpuError(
                    f"Scenario {self.name!r} sets {name}={value!r} but this state already has "
                    f"{current!r}; load it into a mock of its own."
                )
        for name, value in self.faults.items():
            setattr(behaviour, name, value)

    def _built(self) -> Truth:
        with self._lock:
            if self._truth is None:
                self._bind(MpuState(seed=self._seed, clock=self._clock))
            assert self._truth is not None
            return self._truth

    # --------------------------------------------------------------------------------- truth

    @property
    def state(self) -> MpuState:
        """The state this scenario was built into."""
        self._built()
        assert self._state is not None
        return self._state

    @property
    def service(self) -> str:
        """``"s3"`` or ``"glacier"``."""
        return self._built().service

    @property
    def bucket(self) -> str:
        """The S3 bucket the scenario fills (:class:`MockmpuError` for Glacier scenarios)."""
        truth = self._built()
        if truth.service != "s3":
            raise MockmpuError(f"Scenario {self.name!r} is a Glacier scenario; use .vault.")
        return truth.container

    @property
    def vault(self) -> str:
        """The Glacier vault the scenario fills (:class:`MockmpuError` for S3 scenarios)."""
        truth = self._built()
        if truth.service != "glacier":
            raise MockmpuError(f"Scenario {self.name!r} is an S3 scenario; use .bucket.")
        return truth.container

    @property
    def uploads(self) -> tuple[UploadRef, ...]:
        """Every in-progress upload at load time, in the order a correct listing returns them."""
        return tuple(_ref(u) for u in self._built().uploads)

    @property
    def upload_ids(self) -> tuple[str, ...]:
        """The upload ids of :attr:`uploads`, in listing order."""
        return tuple(u.upload_id for u in self._built().uploads)

    @property
    def keys(self) -> tuple[str, ...]:
        """The S3 keys of :attr:`uploads`, in listing order (decoded; one per upload)."""
        truth = self._built()
        if truth.service != "s3":
            raise MockmpuError(
                f"Scenario {self.name!r} is a Glacier scenario: uploads have no key."
            )
        return tuple(u.key for u in truth.uploads if isinstance(u, Upload))

    @property
    def upload(self) -> UploadRef:
        """The upload whose parts the scenario is about (``*-parts`` kinds)."""
        truth = self._built()
        if truth.upload is None:
            raise MockmpuError(
                f"Scenario {self.name!r} is about listing uploads, not one upload's parts; use "
                ".uploads."
            )
        return _ref(truth.upload)

    @property
    def part_numbers(self) -> tuple[int, ...]:
        """S3: the part numbers of :attr:`upload`, ascending (what ListParts must return)."""
        return self._built().part_numbers

    @property
    def part_ranges(self) -> tuple[str, ...]:
        """Glacier: the ``RangeInBytes`` of :attr:`upload`'s parts (``"0-1048575"``), in order."""
        return self._built().part_ranges

    @property
    def page_size(self) -> int:
        """The page size the layout is arranged around (S3 1000, Glacier 50 unless given)."""
        return self._built().page_size

    @property
    def now(self) -> datetime:
        """The state's clock when the scenario was built (whole seconds, UTC)."""
        return self._built().now

    @property
    def boundary_key(self) -> str | None:
        """The key of the last upload on the first page, where that matters (else ``None``)."""
        return self._built().boundary_key

    def remaining_after_cleanup(
        self, older_than: timedelta, *, now: datetime | None = None
    ) -> tuple[UploadRef, ...]:
        """What a correct cleaner leaves: uploads not initiated before ``now - older_than``.

        ``now`` defaults to :attr:`now`. Uploads initiated exactly at the cutoff stay (a cleaner
        aborts what is strictly older). Only uploads present at load time are considered.
        """
        cutoff = (now or self.now) - older_than
        return tuple(u for u in self.uploads if not u.initiated < cutoff)

    # ------------------------------------------------------------------------- mutation plans

    @property
    def plan(self) -> Mapping[int, tuple[Step, ...]]:
        """The changes made by :meth:`between_pages`, by page number (empty: none)."""
        return {page: tuple(steps) for page, steps in self._built().plan.items()}

    def between_pages(self, page: int) -> None:
        """Make this scenario's changes planned after page ``page`` (1-based); once per page.

        A client under test calls it after it has consumed each page of :attr:`page_size`
        items. Pages without planned changes do nothing. Raises :class:`MockmpuError` if the
        page's changes were already made.
        """
        truth = self._built()
        steps = truth.plan.get(page, ())
        if not steps:
            return
        if page in self._applied:
            raise MockmpuError(
                f"The changes after page {page} of {self.name!r} were already made; call "
                "between_pages once per page."
            )
        self._applied.add(page)
        state = self.state
        for step in steps:
            _apply(state, truth, step)

    @property
    def expected_seen(self) -> tuple[UploadRef, ...]:
        """What a correct client sees when it pages by :attr:`page_size` and calls
        :meth:`between_pages` after each page: every upload that is still in progress when the
        listing reaches its position, each exactly once, in listing order.

        Without a plan this is :attr:`uploads`. Markers are positions in the listing order of
        :attr:`uploads`, so each page continues right after the last upload seen, skipping
        what was removed in the meantime; nothing is added between pages.
        """
        truth = self._built()
        uploads = truth.uploads
        if not truth.plan:
            return self.uploads
        gone: set[int] = set()
        seen: list[AnyUpload] = []
        i, page = 0, 1
        while True:
            taken = 0
            while i < len(uploads) and taken < truth.page_size:
                if i not in gone:
                    seen.append(uploads[i])
                    taken += 1
                i += 1
            if all(j in gone for j in range(i, len(uploads))):  # not truncated: the last page
                break
            gone.update(step.index for step in truth.plan.get(page, ()))
            page += 1
        return tuple(_ref(u) for u in seen)

    @property
    def survivors(self) -> tuple[UploadRef, ...]:
        """The uploads still in progress once every planned change has been made."""
        truth = self._built()
        gone = {truth.uploads[s.index].upload_id for steps in truth.plan.values() for s in steps}
        return tuple(_ref(u) for u in truth.uploads if u.upload_id not in gone)


def _apply(state: MpuState, truth: Truth, step: Step) -> None:
    target = truth.uploads[step.index]
    if isinstance(target, Upload):
        view = S3View(state)
        if step.action == "abort":
            view.abort_multipart_upload(target.bucket, target.key, target.upload_id)
        else:
            view.complete_multipart_upload(target.bucket, target.key, target.upload_id)
        return
    glacier = GlacierView(state)
    where = {"account_id": target.account_id, "region": target.region}
    if step.action == "abort":
        glacier.abort_multipart_upload(target.vault_name, target.upload_id, **where)
    else:
        glacier.complete_multipart_upload(target.vault_name, target.upload_id, **where)


def as_scenarios(value: Scenario | Iterable[Scenario] | None) -> tuple[Scenario, ...]:
    """Normalise a ``scenario=`` option: one scenario, several, or ``None``."""
    if value is None:
        return ()
    if isinstance(value, Scenario):
        return (value,)
    items = tuple(value) if isinstance(value, Iterable) else (value,)
    for item in items:
        if not isinstance(item, Scenario):
            raise MockmpuError(
                "scenario= takes a Scenario or a list of them, e.g. "
                f"scenario=scenarios.colliding_keys(), not {type(item).__name__}."
            )
    return items
