"""The benchmark harness measures what it claims (no timing is asserted here).

The floor must answer with exactly the bytes mockmpu renders for the same request, so that the
floor and mockmpu differ only by mockmpu's own work. These checks run the harness's cases on tiny
sizes, without moto, and look at what the floor is given and what botocore makes of it.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import _report  # noqa: E402
from benchmarks._floor import Recorder  # noqa: E402
from benchmarks._timing import Case, Runner, measure  # noqa: E402
from benchmarks._workloads import SMOKE, Bench  # noqa: E402

TINY = replace(
    SMOKE,
    small_bucket=30,
    mid_bucket=1_001,  # two pages of a paginator
    big_bucket=1_100,
    big_page=20,
    many_parts=12,
    few_parts=3,
    glacier_uploads=5,
    glacier_parts=5,
    glacier_limit=3,
    complete_parts=2,
    build_uploads=20,
    build_parts=5,
    budget_scale=0.0,
    min_rounds=1,
)


@pytest.fixture(scope="module")
def bench() -> Any:
    # The floor signs its requests, as a real client does: it needs (dummy) credentials.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        yield Bench(TINY, moto=False)


def _listing_cases(b: Any) -> list[Case]:
    return [
        b.list_uploads_case("1a", TINY.small_bucket, TINY.big_page, target=1.10),
        b.list_uploads_case("1c", TINY.big_bucket, TINY.small_page, target=1.15),
        b.paginate_case("1e", TINY.mid_bucket),
        b.list_parts_case("2a", many=True, target=1.10),
        b.glacier_case("3a", "ListMultipartUploads"),
        b.glacier_case("3b", "ListParts"),
    ]


def test_floor_parses_to_what_mockmpu_answers(bench: Any) -> None:
    for case in _listing_cases(bench):
        assert case.verify is not None, case.key
        case.verify()  # raises if the floor's parsed result differs from mockmpu's


def test_floor_bytes_are_the_bytes_mockmpu_renders_again(bench: Any) -> None:
    # A listing leaves the state as it was: rendering it twice gives the same body.
    def call() -> Any:
        return bench.s3.list_multipart_uploads(Bucket=bench.buckets[TINY.small_bucket])

    first = bench.record(call)
    second = bench.record(call)
    assert len(first) == len(second) == 1
    assert first[0].body == second[0].body
    assert first[0].body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert first[0].status == 200


def test_paginated_floor_replays_every_page_in_order(bench: Any) -> None:
    case = bench.paginate_case("1e", TINY.mid_bucket)
    floor = next(r for r in case.runners if r.name == "floor")
    assert floor.group == 1 + (TINY.mid_bucket - 1) // 1000
    for _ in range(2):  # two whole paginations, one request per call
        pages = [floor.call() for _ in range(floor.group)]
        assert sum(len(p.get("Uploads", [])) for p in pages) == TINY.mid_bucket
        assert not pages[-1]["IsTruncated"]


def test_replay_refuses_a_request_it_did_not_record(bench: Any) -> None:
    recorded = bench.record(
        lambda: bench.s3.list_parts(
            Bucket="bench-parts", Key="few.bin", UploadId=bench.few.upload_id
        )
    )
    client, _ = bench.floor("s3", "ListParts", recorded)
    with pytest.raises(AssertionError, match="the floor was asked for"):
        client.list_parts(Bucket="bench-parts", Key="many.bin", UploadId=bench.many.upload_id)


def test_recorder_restores_the_handle(bench: Any) -> None:
    faults = bench.mpu.faults
    with Recorder(bench.mpu):
        assert bench.mpu.faults is not faults
    assert bench.mpu.faults is faults


def test_every_case_runs_and_reports(bench: Any) -> None:
    cases = [
        *_listing_cases(bench),
        bench.size_independence_case("1d"),
        bench.list_parts_case("2b", many=False, target=1.15),
        bench.create_case("4a"),
        bench.upload_part_case("4b"),
        bench.complete_case("4c"),
        *bench.build_cases("5"),
        *bench.activation_cases("6"),
    ]
    results = [measure(case, scale=0.0, log=lambda _: None) for case in cases]
    for result in results:
        assert set(result.samples) == {r.name for r in result.case.runners}, result.case.key
        for samples in result.samples.values():
            assert samples.n >= 1 and all(v > 0 for v in samples.values)
    text = _report.render("header", results, [], [])
    assert "| **1a** ListMultipartUploads" in text
    assert "mockmpu ≤ 1.10x floor" in text


def test_rounds_pair_runners_of_comparable_cost() -> None:
    calls: list[str] = []
    case = Case(
        "x",
        "w",
        "t",
        [
            Runner("floor", lambda: calls.append("floor")),
            Runner("mockmpu", lambda: calls.append("mockmpu")),
            Runner("slow", lambda: calls.append("slow"), rounds=3, warmup=False),
        ],
        budget=0.0,
        min_rounds=4,
    )
    result = measure(case, log=lambda _: None)
    assert result.samples["floor"].n == result.samples["mockmpu"].n == 4
    assert result.samples["slow"].n == 3
    ratio = result.ratio("mockmpu", "floor")
    assert ratio is not None and ratio.n == 4
    # Interleaved: the runner that starts a round rotates (rows keep the order of the calls).
    assert [next(iter(row)) for row in result.rounds[:3]] == ["floor", "mockmpu", "slow"]


def test_targets_of_every_kind_are_judged_and_shown() -> None:
    from benchmarks._timing import CaseResult, Samples, Target

    case = Case("x", "w", "t", [Runner("floor", lambda: None), Runner("mockmpu", lambda: None)])
    rounds = [{"floor": 1.0e-3, "mockmpu": 1.04e-3}, {"floor": 2.0e-3, "mockmpu": 2.06e-3}]
    result = CaseResult(
        case,
        {k: Samples([r[k] for r in rounds]) for k in ("floor", "mockmpu")},
        rounds,
    )
    own = Target("own", "mockmpu", "floor", 50e-6, kind="difference")
    assert result.target_value(own) == pytest.approx(50e-6)
    assert own.met(50e-6) and not own.met(51e-6)
    rate = Target("rate", "mockmpu", None, 1e6, kind="rate", nbytes=2_000)
    value = result.target_value(rate)
    assert value == pytest.approx(2_000 / 1.55e-3)
    assert rate.met(value) and rate.show(value) == "1 MB/s"
    assert not Target("fast", "mockmpu", None, 2e6, kind="rate", nbytes=2_000).met(value)
    ratio = Target("ratio", "mockmpu", "floor", 1.035)
    assert ratio.kind == "ratio" and result.target_value(ratio) == pytest.approx(1.035)
    seconds = Target("s", "mockmpu", None, 1e-3)
    assert seconds.kind == "seconds" and not seconds.met(result.target_value(seconds) or 0)
