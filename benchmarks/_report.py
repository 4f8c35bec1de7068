"""The benchmark's report: Markdown tables of timings, ratios, targets, profiles and memory."""

from __future__ import annotations

import importlib.metadata

from benchmarks._memory import MemoryResult
from benchmarks._profiling import Breakdown
from benchmarks._timing import CaseResult, Ratio, Samples, format_seconds

__all__ = ["header", "render"]

_PACKAGES = ("botocore", "boto3", "xmltodict", "wrapt", "moto")


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def header(*, smoke: bool, moto: bool, elapsed: float, machine: str, today: str) -> str:
    versions = ", ".join(f"{p} {_version(p)}" for p in _PACKAGES if moto or p != "moto")
    mode = "smoke run (tiny sizes: the figures mean nothing)" if smoke else "full run"
    return (
        f"Run {today}, {mode}, {elapsed:.0f} s. Machine: {machine}. {versions}.\n\n"
        "Times are medians per call; the spread is the interquartile range from 5 samples on, "
        "else min-max; n is the number of timed calls. A ratio is the median of per-round "
        "ratios to the case's baseline (paired within a round, so drift cancels)."
    )


def _spread(samples: Samples) -> str:
    low, high, _ = samples.spread()
    return f"{format_seconds(low)} to {format_seconds(high)}"


def _ratio_text(ratio: Ratio | None, versus: str) -> str:
    if ratio is None:
        return ""
    spread = "" if ratio.n < 2 else f" [{ratio.low:.2f} to {ratio.high:.2f}]"
    return f"{ratio.median:.2f}x {versus}{spread}"


def _targets_table(results: list[CaseResult], memory: list[MemoryResult]) -> str:
    rows = ["| case | target | from | measured | met |", "|---|---|---|---|---|"]
    for result in results:
        for target in result.case.targets:
            value = result.target_value(target)
            if value is None:
                measured, met = "not measured", "—"
            else:
                measured = target.show(value)
                met = "yes" if target.met(value) else "**no**"
            rows.append(
                f"| {result.case.key} {result.case.workload}: {result.case.title} | "
                f"{target.subject} {target.text} | {target.source} | {measured} | {met} |"
            )
    for m in memory:
        for line in m.target_rows():
            rows.append(line)
    return "\n".join(rows)


def _results_table(results: list[CaseResult]) -> str:
    rows = [
        "| case | runner | median | spread | n | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        case = result.case
        first = True
        for runner in case.runners:
            samples = result.samples.get(runner.name)
            if samples is None:
                continue
            label = f"**{case.key}** {case.workload}: {case.title}" if first else ""
            first = False
            ratio = ""
            if case.baseline is not None and runner.name != case.baseline:
                ratio = _ratio_text(result.ratio(runner.name, case.baseline), case.baseline)
            rows.append(
                f"| {label} | {runner.name} | {format_seconds(samples.median)} | "
                f"{_spread(samples)} | {samples.n} | {ratio} |"
            )
        for subject, versus in case.differences:
            diff = result.difference(subject, versus)
            if diff is None:
                continue
            spread = (
                f"{format_seconds(diff.low)} to {format_seconds(diff.high)}" if diff.n > 1 else ""
            )
            rows.append(
                f"|  | {subject} - {versus} (paired) | {format_seconds(diff.median)} | "
                f"{spread} | {diff.n} |  |"
            )
    return "\n".join(rows)


def _notes(results: list[CaseResult]) -> str:
    lines = []
    for result in results:
        for note in result.case.notes:
            lines.append(f"- **{result.case.key}**: {note}")
    return "\n".join(lines)


def _profiles(profiles: list[Breakdown]) -> str:
    out = []
    for p in profiles:
        out.append(f"#### {p.title}")
        out.append("")
        if p.floor is not None and p.mockmpu is not None:
            own = p.mockmpu - p.floor
            out.append(
                f"Unprofiled (case {p.case_key}, medians): mockmpu {format_seconds(p.mockmpu)} - "
                f"unsigned floor {format_seconds(p.floor)} = **{format_seconds(own)} of mockmpu's "
                "own work** per call (mockmpu's calls are unsigned, so the unsigned floor does the "
                "same botocore work)."
            )
        if p.handler_alone is not None:
            out.append(
                f"Of that, the codec handler called directly on the recorded request (semantics, "
                f"rendering, headers; no botocore): **{format_seconds(p.handler_alone)}**; the "
                "rest is the hook, the WireRequest, serving and the call record."
            )
        out.append("")
        out.append(f"Under cProfile ({p.calls} calls, {format_seconds(p.total)} per call):")
        out.append("")
        out.append("| component | per call (profiled) | share |")
        out.append("|---|---|---|")
        for name, seconds in p.components:
            out.append(f"| {name} | {format_seconds(seconds)} | {seconds / p.total:.0%} |")
        out.append("")
        out.append("Top functions by own time (per call):")
        out.append("")
        out.append("| function | own time | calls |")
        out.append("|---|---|---|")
        for name, seconds, calls in p.top:
            out.append(f"| `{name}` | {format_seconds(seconds)} | {calls:,} |")
        out.append("")
    return "\n".join(out)


def _memory(memory: list[MemoryResult]) -> str:
    rows = [
        "| case | state | peak RSS | baseline (n=1) | state's own | time to build | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in memory:
        runner = m.kind.split("-")[0]
        if m.peak is None or m.baseline is None:
            rows.append(f"| {m.key} | {runner}: {m.title} | — | — | — | — | {m.error} |")
            continue
        note = m.note()
        if m.peak["capped"]:
            note = (
                f"stopped after {m.peak['done']:,} of {m.n:,}: peak passed the 1 GiB cap "
                "(bodies are being kept)"
            )
        delta = m.delta or 0
        rows.append(
            f"| {m.key} | {runner}: {m.title} | {m.peak['peak_rss'] / 1e6:.0f} MB | "
            f"{m.baseline['peak_rss'] / 1e6:.0f} MB | {delta / 1e6:+.0f} MB | "
            f"{m.peak['seconds']:.1f} s | {note} |"
        )
    return "\n".join(rows)


def _speed(results: list[CaseResult]) -> str:
    probes = sorted(p for r in results for p in r.probes)
    if not probes:
        return ""
    low, mid, high = probes[0], probes[len(probes) // 2], probes[-1]
    slow = sum(1 for p in probes if p > 1.3 * low)
    return (
        f"Machine speed during the run: a fixed pure-Python loop, timed before and after each "
        f"case, took {format_seconds(low)} at best, {format_seconds(mid)} median, "
        f"{format_seconds(high)} at worst ({slow} of {len(probes)} probes over 1.3x the best). "
        "Absolute times move with it; the paired ratios much less."
    )


def render(
    head: str,
    results: list[CaseResult],
    profiles: list[Breakdown],
    memory: list[MemoryResult],
) -> str:
    parts = [head, "", _speed(results), "", "### Targets", "", _targets_table(results, memory), ""]
    parts += ["### Timings", "", _results_table(results), ""]
    notes = _notes(results)
    if notes:
        parts += ["Notes:", "", notes, ""]
    if memory:
        parts += ["### Peak memory (fresh process each)", "", _memory(memory), ""]
    if profiles:
        parts += ["### Where mockmpu's time goes", "", _profiles(profiles)]
    return "\n".join(parts).rstrip() + "\n"
