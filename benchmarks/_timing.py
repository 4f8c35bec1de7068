"""Interleaved, same-process timing: runners, cases, medians, spreads and paired ratios.

A :class:`Case` holds several :class:`Runner`\\ s doing the same work (the floor, mockmpu, moto).
Each round times every runner once, in an order rotated by the round number, so drift (thermal,
allocator, cache) falls on every runner alike. Ratios are the median of the per-round ratios
(paired), which cancels drift that a ratio of medians would keep.

Each timed call is ``perf_counter`` around the call alone: activation (``enter``/``exit``) and
per-call preparation (``setup``/``teardown``) are outside it. The cyclic garbage collector is
disabled during each timed call (as ``timeit`` does) and its young generations are collected
between rounds, so a collection triggered by another runner's state (moto's 100,000 uploads live
in the same process) is charged to no one.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from dataclasses import dataclass, field
from typing import Callable

__all__ = [
    "Case",
    "CaseResult",
    "Ratio",
    "Runner",
    "Samples",
    "Target",
    "format_seconds",
    "measure",
    "speed_probe",
]


def _noop() -> None:
    return None


@dataclass
class Runner:
    """One way of doing a case's work.

    Attributes:
        name: ``"floor"``, ``"mockmpu"``, ``"moto"`` or a descriptive variant.
        call: the timed work.
        enter / exit: untimed, around each call (activate and deactivate a mock).
        setup / teardown: untimed, before ``enter`` and after ``exit`` (fresh uploads to complete,
            a rewound replay).
        rounds: a fixed number of timed calls (for runners that take many seconds); ``None``
            sizes it from the case's time budget.
        warmup: make one untimed call first (also estimates the cost for the budget).
        self_timed: ``call`` returns the seconds to record itself (a subprocess that times its
            own import, without the interpreter's start-up).
        group: this many consecutive calls make one measurement (their times are summed): a
            pagination timed page by page, so that its pages interleave with the floor's.
    """

    name: str
    call: Callable[[], object]
    enter: Callable[[], None] = _noop
    exit: Callable[[], None] = _noop
    setup: Callable[[], None] = _noop
    teardown: Callable[[], None] = _noop
    rounds: int | None = None
    warmup: bool = True
    self_timed: bool = False
    group: int = 1

    def once(self) -> float:
        """Run one call with its setup and activation; return the seconds the call took."""
        self.setup()
        self.enter()
        try:
            gc.disable()
            try:
                start = time.perf_counter()
                returned = self.call()
                elapsed = time.perf_counter() - start
            finally:
                gc.enable()
        finally:
            self.exit()
            self.teardown()
        if self.self_timed:
            assert isinstance(returned, float), "a self-timed runner returns its seconds"
            return returned
        return elapsed


@dataclass
class Target:
    """A target (issue 5 §2, issue 13): a figure of ``subject`` that must be within ``limit``.

    ``kind`` says which figure:

    - ``"ratio"``: the paired median ratio ``subject / versus`` must be ``<= limit``;
    - ``"seconds"``: the median of ``subject`` (``versus`` is ``None``) must be ``<= limit``;
    - ``"difference"``: the paired median difference ``subject - versus`` (seconds) must be
      ``<= limit`` (mockmpu's own time over the unsigned floor);
    - ``"rate"``: ``nbytes / median of subject`` (bytes per second) must be ``>= limit``.

    ``source`` names the issue the target comes from.
    """

    text: str
    subject: str
    versus: str | None
    limit: float
    kind: str = ""
    nbytes: int = 0
    source: str = "issue 5"

    def __post_init__(self) -> None:
        if not self.kind:
            self.kind = "seconds" if self.versus is None else "ratio"

    def met(self, value: float) -> bool:
        return value >= self.limit if self.kind == "rate" else value <= self.limit

    def show(self, value: float) -> str:
        if self.kind == "ratio":
            return f"{value:.2f}x"
        if self.kind == "rate":
            return f"{value / 1e6:.0f} MB/s"
        return format_seconds(value)


@dataclass
class Case:
    key: str
    workload: str
    title: str
    runners: list[Runner]
    baseline: str | None = "floor"
    budget: float = 2.0
    min_rounds: int = 5
    max_rounds: int = 400
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: run once before timing; raises if the runners disagree (e.g. the floor's bytes).
    verify: Callable[[], None] | None = None
    #: paired differences to show beside the ratios: ``(subject, versus)`` runner names.
    differences: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Samples:
    values: list[float]

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def spread(self) -> tuple[float, float, str]:
        """``(low, high, kind)``: the interquartile range from 5 samples on, else min and max."""
        values = sorted(self.values)
        if len(values) >= 5:
            q = statistics.quantiles(values, n=4, method="inclusive")
            return q[0], q[2], "IQR"
        return values[0], values[-1], "range"


@dataclass
class Ratio:
    """The median of per-round ratios and their spread (``n`` pairs)."""

    median: float
    low: float
    high: float
    kind: str
    n: int


@dataclass
class CaseResult:
    case: Case
    samples: dict[str, Samples]
    rounds: list[dict[str, float]]
    #: :func:`speed_probe` before and after the case.
    probes: list[float] = field(default_factory=list)

    def ratio(self, subject: str, versus: str) -> Ratio | None:
        groups = {r.name: r.group for r in self.case.runners}
        if groups.get(subject, 1) > 1 or groups.get(versus, 1) > 1:
            # grouped runners pair measurement by measurement (each spans interleaved calls)
            got, base = self.samples.get(subject), self.samples.get(versus)
            pairs = (
                []
                if got is None or base is None
                else [a / b for a, b in zip(got.values, base.values)]
            )
        else:
            pairs = [r[subject] / r[versus] for r in self.rounds if subject in r and versus in r]
        if not pairs:
            if subject in self.samples and versus in self.samples:
                value = self.samples[subject].median / self.samples[versus].median
                return Ratio(value, value, value, "medians", 0)
            return None
        s = Samples(pairs)
        low, high, kind = s.spread()
        return Ratio(s.median, low, high, kind, s.n)

    def difference(self, subject: str, versus: str) -> Ratio | None:
        """The median of per-round differences ``subject - versus`` (seconds) and their spread."""
        pairs = [r[subject] - r[versus] for r in self.rounds if subject in r and versus in r]
        if not pairs:
            return None
        s = Samples(pairs)
        low, high, kind = s.spread()
        return Ratio(s.median, low, high, kind, s.n)

    def target_value(self, target: Target) -> float | None:
        got = self.samples.get(target.subject)
        if target.kind == "seconds":
            return got.median if got is not None else None
        if target.kind == "rate":
            return target.nbytes / got.median if got is not None else None
        assert target.versus is not None
        if target.kind == "difference":
            diff = self.difference(target.subject, target.versus)
            return diff.median if diff is not None else None
        ratio = self.ratio(target.subject, target.versus)
        return ratio.median if ratio is not None else None


def speed_probe() -> float:
    """Seconds a fixed pure-Python loop takes (best of three): how fast the machine is now."""
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(100_000):
            total += i * i
        best = min(best, time.perf_counter() - start)
    return best


def measure(case: Case, *, scale: float = 1.0, log: Callable[[str], None] = print) -> CaseResult:
    """Warm up, size the rounds from the budget (times ``scale``), run them interleaved."""
    started = time.perf_counter()
    probes = [speed_probe()]
    if case.verify is not None:
        case.verify()
    estimates: dict[str, float] = {}
    for runner in case.runners:
        if runner.warmup:
            estimates[runner.name] = runner.once()
    budgeted = [r for r in case.runners if r.rounds is None]
    share = case.budget * scale / max(1, len(budgeted))
    planned: dict[str, int] = {}
    for runner in case.runners:
        if runner.rounds is not None:
            planned[runner.name] = runner.rounds
            continue
        if runner.name not in estimates:
            estimates[runner.name] = runner.once()
        wanted = math.floor(share / max(estimates[runner.name], 1e-9))
        planned[runner.name] = max(case.min_rounds, min(case.max_rounds, wanted))
    # Runners of comparable cost (within 3x of the baseline) get the same number of rounds, so
    # every round pairs them; much slower ones (moto) keep their own, smaller count.
    base = estimates.get(case.baseline or "")
    if base is not None:
        peers = [r.name for r in budgeted if r.name in estimates and estimates[r.name] <= 3 * base]
        if peers:
            # their share of the budget, spent on rounds of all of them
            budget = share * len(peers) / sum(estimates[name] for name in peers)
            common = max(case.min_rounds, min(case.max_rounds, math.floor(budget)))
            for name in peers:
                planned[name] = common
    total = max(planned.values())
    rounds: list[dict[str, float]] = []
    samples: dict[str, list[float]] = {r.name: [] for r in case.runners}
    order = list(case.runners)
    for i in range(total):
        gc.collect(1)  # the young generations: cheap however big the heap is
        turn = order[i % len(order) :] + order[: i % len(order)]
        row: dict[str, float] = {}
        for runner in turn:
            if len(samples[runner.name]) >= planned[runner.name]:
                continue
            elapsed = runner.once()
            samples[runner.name].append(elapsed)
            row[runner.name] = elapsed
        rounds.append(row)
    for runner in case.runners:
        if runner.group > 1:
            values = samples[runner.name]
            samples[runner.name] = [
                sum(values[i : i + runner.group])
                for i in range(0, len(values) - runner.group + 1, runner.group)
            ]
    counts = ", ".join(f"{k} x{len(v)}" for k, v in samples.items())
    log(f"  {case.key} {case.title}: {counts} ({time.perf_counter() - started:.1f} s)")
    probes.append(speed_probe())
    return CaseResult(case, {k: Samples(v) for k, v in samples.items() if v}, rounds, probes)


def format_seconds(value: float) -> str:
    """``1.23 ms``, ``456 µs``, ``12.3 s``: three significant digits."""
    for unit, factor in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if abs(value) >= factor or unit == "µs":
            scaled = value / factor
            if abs(scaled) >= 100:
                return f"{scaled:.0f} {unit}"
            if abs(scaled) >= 10:
                return f"{scaled:.1f} {unit}"
            return f"{scaled:.2f} {unit}"
    raise AssertionError("unreachable")
