"""Issue 5's workloads as :class:`~benchmarks._timing.Case`\\ s: the floor, mockmpu and moto.

One :class:`Bench` holds what the cases share, built once: a mockmpu handle (frozen clock,
seed 0, started only around mockmpu's own calls) holding buckets of 1,000, 10,000 and 100,000
uploads, uploads with 1,000 and 10 parts and a Glacier vault; the same buckets in moto (built
through moto's backend, since through its API 100,000 uploads take minutes); and one client per
service for mockmpu and for moto. Each case gets a fresh floor client whose ``before-send``
replays the bytes mockmpu rendered for the same call (see ``_floor``); every listing case first
checks that the floor and mockmpu parse to the same result.

Scenario builders plug in through :data:`SCENARIO_BUILDERS` (workload 5).
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

import boto3
from botocore import UNSIGNED
from botocore.config import Config

from benchmarks import _moto
from benchmarks._floor import Recorded, Recorder, Replay
from benchmarks._timing import Case, Runner, Target
from mockmpu import MpuMock, mock_mpu

__all__ = [
    "CODEC_ALONE",
    "DICT_PATH",
    "FULL",
    "SCENARIO_BUILDERS",
    "SMOKE",
    "UNSIGNED_FLOOR",
    "Bench",
    "Sizes",
]

MIB = 1024 * 1024
REGION = "us-east-1"
FROZEN = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
#: The runner that calls mockmpu's codec handler directly (see ``Bench.codec_runner``).
CODEC_ALONE = "mockmpu codec alone"
#: The runner answered by ``mock_mpu(wire=False)`` (botocore-identical dicts at before-call).
DICT_PATH = "mockmpu, wire=False"
#: The floor with signing off: mockmpu answers unsigned (``choose-signer``), so this floor does
#: the same botocore work as a mockmpu call, and ``mockmpu - this`` is mockmpu's own work.
UNSIGNED_FLOOR = "floor, unsigned"
#: Issue 13's targets.
OWN_TIME_LIMIT = 50e-6
UPLOAD_PART_RATE = 500e6
COMPLETE_LIMIT = 1.20
BUILD_MILLION_LIMIT = 1.5
SHUFFLED_LIMIT = 0.5
#: Slack over n log n allowed for the growth of shuffled-key building (cache effects).
GROWTH_SLACK = 1.25


@dataclass(frozen=True)
class Sizes:
    """The workload sizes (issue 5 §1) and how long to spend on each case."""

    small_bucket: int = 1_000
    mid_bucket: int = 10_000
    big_bucket: int = 100_000
    big_page: int = 1000
    small_page: int = 10
    many_parts: int = 1000
    few_parts: int = 10
    glacier_uploads: int = 1000
    glacier_parts: int = 1000
    glacier_limit: int = 50
    part_body: int = 5 * MIB
    complete_parts: int = 100
    build_uploads: int = 100_000
    build_parts: int = 10_000
    memory_uploads: int = 100_000
    memory_parts: int = 10_000
    #: issue 13: ``scenarios.many_uploads`` of a million, shuffled keys at n and 3n through the
    #: view, and an s3transfer upload of this many 5 MiB parts.
    million_uploads: int = 1_000_000
    shuffled_uploads: int = 100_000
    transfer_parts: int = 20
    #: multiplies every case's time budget.
    budget_scale: float = 1.0
    #: rounds for calls that take seconds: paginating the biggest bucket, moto's slow cases.
    heavy_rounds: int = 2
    moto_heavy_rounds: int = 1
    min_rounds: int = 5
    import_rounds: int = 7


FULL = Sizes()
SMOKE = Sizes(
    small_bucket=150,
    mid_bucket=300,
    big_bucket=1_000,
    big_page=100,
    many_parts=100,
    glacier_uploads=60,
    glacier_parts=60,
    complete_parts=3,
    build_uploads=1_000,
    build_parts=100,
    memory_uploads=1_000,
    memory_parts=8,
    million_uploads=5_000,
    shuffled_uploads=1_000,
    transfer_parts=2,
    budget_scale=0.02,
    heavy_rounds=1,
    min_rounds=2,
    import_rounds=1,
)


def n_(value: int) -> str:
    """``100000`` -> ``100,000``."""
    return f"{value:,}"


def bucket_name(uploads: int) -> str:
    return f"bench-{uploads:07d}"


def upload_key(i: int) -> str:
    return f"data/{i:07d}.bin"


def strip_metadata(response: Mapping[str, Any]) -> dict[str, Any]:
    """A parsed response without ``ResponseMetadata`` (request ids differ call to call)."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def make_client(session: Any, service: str, *, unsigned: bool = False) -> Any:
    config = Config(signature_version=UNSIGNED) if unsigned else None
    return session.client(service, region_name=REGION, config=config)


# ----------------------------------------------------------------------------------------- moto


class MotoSide:
    """moto's side: one ``mock_aws`` handle, started around each moto call without a reset."""

    def __init__(self) -> None:
        from moto import mock_aws

        self.mock = mock_aws()
        self.mock.start()  # the one reset
        self.s3 = make_client(boto3.session.Session(), "s3")
        self.mock.stop(remove_data=False)

    def enter(self) -> None:
        self.mock.start(reset=False)

    def exit(self) -> None:
        self.mock.stop(remove_data=False)

    def create_bucket(self, name: str) -> None:
        self.enter()
        try:
            self.s3.create_bucket(Bucket=name)
        finally:
            self.exit()

    def drop(self) -> None:
        """Forget every moto resource, so later cases start from an empty moto."""
        self.mock.start(reset=True)
        self.mock.stop(remove_data=True)


# ------------------------------------------------------------------------- scenario builders


def _build_uploads(mpu: MpuMock, n: int) -> object:
    """mpu.s3.create_multipart_upload per upload"""
    for i in range(n):
        mpu.s3.create_multipart_upload("bench-build", upload_key(i))
    return None


def _build_uploads_shuffled(mpu: MpuMock, n: int) -> object:
    """mpu.s3.create_multipart_upload per upload, keys in a shuffled order"""
    keys = [upload_key(i) for i in range(n)]
    random.Random(0).shuffle(keys)
    for key in keys:
        mpu.s3.create_multipart_upload("bench-build", key)
    return None


def _build_parts(mpu: MpuMock, n: int) -> object:
    """one mpu.s3.create_multipart_upload(parts=range(1, n + 1)): 5 MiB zero-filled parts"""
    return mpu.s3.create_multipart_upload("bench-build", "big.bin", parts=range(1, n + 1))


def _scenario_many_uploads(mpu: MpuMock, n: int) -> object:
    """mockmpu.scenarios.many_uploads(n).load(state): the scenario builders' bulk path"""
    from mockmpu import scenarios

    return scenarios.many_uploads(n, bucket="bench-scenario").load(mpu.state)


#: Workload 5's builders: description -> (``"uploads"`` or ``"parts"``, ``build(mpu, n)``). Each
#: gets a fresh mock (frozen clock, seed 0) holding an empty bucket ``bench-build``. Add new
#: builders here and they are timed alongside.
SCENARIO_BUILDERS: dict[str, tuple[str, Callable[[MpuMock, int], object]]] = {
    "mpu.s3 view, keys in order": ("uploads", _build_uploads),
    "mpu.s3 view, keys shuffled": ("uploads", _build_uploads_shuffled),
    "mpu.s3 view, parts=range(1, n + 1) of 5 MiB": ("parts", _build_parts),
}
if importlib.util.find_spec("mockmpu.scenarios") is not None and hasattr(
    importlib.import_module("mockmpu.scenarios"), "many_uploads"
):
    SCENARIO_BUILDERS["scenarios.many_uploads(n)"] = (
        "uploads",
        _scenario_many_uploads,
    )


class _Toggle:
    """Start a fresh ``mock_mpu()`` on enter, stop it on exit (activation-cost cases)."""

    def __init__(self) -> None:
        self.mpu: MpuMock | None = None

    def enter(self) -> None:
        self.mpu = mock_mpu().start()

    def exit(self) -> None:
        assert self.mpu is not None
        self.mpu.stop()
        self.mpu = None


# ----------------------------------------------------------------------------------- the bench


class Bench:
    """The shared state of one benchmark run. Each ``*_case`` method builds one case."""

    def __init__(self, sizes: Sizes, *, moto: bool) -> None:
        self.sizes = sizes
        self.mpu = mock_mpu(clock=FROZEN, seed=0, **_repeat_options())
        self.floor_session = boto3.session.Session()
        mpu_session = boto3.session.Session()
        self.s3 = make_client(mpu_session, "s3")
        self.glacier = make_client(mpu_session, "glacier")
        self.moto: MotoSide | None = MotoSide() if moto else None
        # mockmpu's dict path (wire=False, where this mockmpu has it) on the same state.
        self.dict_mpu: MpuMock | None = None
        if "wire" in inspect.signature(MpuMock.__init__).parameters:
            self.dict_mpu = MpuMock(state=self.mpu.state, wire=False, **_repeat_options())
        self.body = bytes(range(256)) * (sizes.part_body // 256)
        self._arrange()

    # --------------------------------------------------------------------------- arrangement

    def _arrange(self) -> None:
        s = self.sizes
        view = self.mpu.s3
        self.buckets = {n: bucket_name(n) for n in (s.small_bucket, s.mid_bucket, s.big_bucket)}
        for n, name in self.buckets.items():
            view.create_bucket(name)
            for i in range(n):
                view.create_multipart_upload(name, upload_key(i))
        # mockmpu's listed parts are 5 MiB fillers (no memory per part).
        view.create_bucket("bench-parts")
        self.many = view.create_multipart_upload(
            "bench-parts", "many.bin", parts=range(1, s.many_parts + 1)
        )
        self.few = view.create_multipart_upload(
            "bench-parts", "few.bin", parts=range(1, s.few_parts + 1)
        )
        view.create_bucket("bench-life")
        self.target = view.create_multipart_upload("bench-life", "target.bin")
        glacier = self.mpu.glacier
        glacier.create_vault("bench-vault")
        for _ in range(s.glacier_uploads):
            glacier.initiate_multipart_upload("bench-vault", part_size=MIB)
        self.glacier_upload = glacier.initiate_multipart_upload(
            "bench-vault", part_size=MIB, parts=s.glacier_parts
        )
        if self.moto is not None:
            self._arrange_moto(self.moto)

    def _arrange_moto(self, moto: MotoSide) -> None:
        s = self.sizes
        for n, name in self.buckets.items():
            moto.create_bucket(name)
            _moto.create_uploads(name, (upload_key(i) for i in range(n)))
        moto.create_bucket("bench-parts")
        # moto keeps every part body, so its listed parts hold 1 byte each (1,000 x 5 MiB would
        # be 5 GiB); only the <Size> digits of its responses differ for that.
        self.moto_many, self.moto_few = _moto.create_uploads("bench-parts", ["many.bin", "few.bin"])
        _moto.upload_parts(
            "bench-parts", self.moto_many, dict.fromkeys(range(1, s.many_parts + 1), b"x")
        )
        _moto.upload_parts(
            "bench-parts", self.moto_few, dict.fromkeys(range(1, s.few_parts + 1), b"x")
        )
        moto.create_bucket("bench-life")
        (self.moto_target,) = _moto.create_uploads("bench-life", ["target.bin"])

    # ------------------------------------------------------------------------------- helpers

    def mpu_enter(self) -> None:
        self.mpu.start()

    def mpu_exit(self) -> None:
        self.mpu.stop()

    def mpu_runner(self, call: Callable[[], object], **kw: Any) -> Runner:
        return Runner("mockmpu", call, enter=self.mpu_enter, exit=self.mpu_exit, **kw)

    def moto_runner(self, call: Callable[[], object], **kw: Any) -> Runner:
        assert self.moto is not None
        return Runner("moto", call, enter=self.moto.enter, exit=self.moto.exit, **kw)

    def under_mpu(self, call: Callable[[], Any]) -> Any:
        self.mpu.start()
        try:
            return call()
        finally:
            self.mpu.stop()

    def under_moto(self, call: Callable[[], Any]) -> Any:
        assert self.moto is not None
        self.moto.enter()
        try:
            return call()
        finally:
            self.moto.exit()

    def record(self, call: Callable[[], object]) -> list[Recorded]:
        """Run ``call`` under the mock; return what mockmpu rendered for it."""
        with Recorder(self.mpu) as recorder:
            self.under_mpu(call)
        return recorder.recorded

    def floor(
        self, service: str, operation: str, recorded: list[Recorded], *, unsigned: bool = False
    ) -> tuple[Any, Replay]:
        """A fresh plain client answering ``operation`` with ``recorded``, and its replay."""
        client = make_client(self.floor_session, service, unsigned=unsigned)
        replay = Replay(recorded)
        replay.install(client, operation)
        return client, replay

    def dict_runner(self, call: Callable[[], object]) -> list[Runner]:
        """mockmpu's dict path (``wire=False``) on the same state, if this mockmpu has it."""
        handle = self.dict_mpu
        if handle is None:
            return []

        def enter() -> None:
            handle.start()

        return [Runner(DICT_PATH, call, enter=enter, exit=handle.stop)]

    def dict_same(self, floor_call: Callable[[], Any], call: Callable[[], Any]) -> None:
        """The dict path must parse to what the floor parses to (checked before timing)."""
        handle = self.dict_mpu
        if handle is None:
            return
        handle.start()
        try:
            got = call()
        finally:
            handle.stop()
        if got != floor_call():
            raise AssertionError("mockmpu's wire=False answer differs from the floor's")

    def codec_runner(self, recorded: list[Recorded]) -> Runner:
        """mockmpu's codec handler called directly on the recorded request: semantics,
        rendering and headers, without botocore, the hook or the call record."""
        (answer,) = recorded
        state = self.mpu.state
        return Runner(CODEC_ALONE, lambda: answer.handler(state, answer.request))

    def same_parse(
        self,
        floor_call: Callable[[], Any],
        mpu_call: Callable[[], Any],
        before: Callable[[], None] = lambda: None,
    ) -> Callable[[], None]:
        """A check that the floor and mockmpu parse to the same result (run before timing)."""

        def verify() -> None:
            before()
            if floor_call() != self.under_mpu(mpu_call):
                raise AssertionError("the floor and mockmpu parse to different results")

        return verify

    def case(self, key: str, workload: str, title: str, runners: list[Runner], **kw: Any) -> Case:
        kw.setdefault("min_rounds", self.sizes.min_rounds)
        return Case(key, workload, title, runners, **kw)

    # ---------------------------------------------------------------------- 1. S3 listings

    def list_uploads_case(
        self, key: str, bucket_uploads: int, page: int, *, target: float | None
    ) -> Case:
        bucket = self.buckets[bucket_uploads]
        expected = min(bucket_uploads, page)
        heavy = bucket_uploads > self.sizes.mid_bucket

        def call_with(client: Any) -> Callable[[], Any]:
            return lambda: strip_metadata(
                client.list_multipart_uploads(Bucket=bucket, MaxUploads=page)
            )

        recorded = self.record(call_with(self.s3))
        floor, _ = self.floor("s3", "ListMultipartUploads", recorded)
        notes = [f"{len(recorded[0].body):,}-byte response, {expected:,} uploads"]
        unsigned, _ = self.floor("s3", "ListMultipartUploads", recorded, unsigned=True)
        runners = [
            Runner("floor", call_with(floor)),
            self.mpu_runner(call_with(self.s3)),
            Runner(UNSIGNED_FLOOR, call_with(unsigned)),
            self.codec_runner(recorded),
            *self.dict_runner(call_with(self.s3)),
        ]
        if self.moto is not None:
            moto_call = call_with(self.moto.s3)
            if heavy:
                rounds = self.sizes.moto_heavy_rounds
                runners.append(self.moto_runner(moto_call, rounds=rounds, warmup=False))
                notes.append(
                    f"moto answers all {bucket_uploads:,} uploads (it ignores MaxUploads); "
                    f"{rounds} round(s)"
                )
            else:
                runners.append(self.moto_runner(moto_call))
                got = len(self.under_moto(moto_call).get("Uploads", []))
                if got != expected:
                    notes.append(f"moto answers {got:,} uploads (it ignores MaxUploads)")
        targets = _ratio_target(target)
        if page == self.sizes.small_page and bucket_uploads == self.sizes.small_bucket:
            targets.append(_own_time_target())
        return self.case(
            key,
            "ListMultipartUploads",
            f"page of {page:,}, bucket of {bucket_uploads:,}",
            runners,
            notes=notes,
            targets=targets,
            differences=[("mockmpu", UNSIGNED_FLOOR)],
            verify=self.same_parse(
                call_with(floor),
                call_with(self.s3),
                lambda: self.dict_same(call_with(floor), call_with(self.s3)),
            ),
            budget=10.0 if page >= 1000 else 3.0,
        )

    def size_independence_case(self, key: str) -> Case:
        small, big = self.sizes.small_bucket, self.sizes.big_bucket
        page = self.sizes.small_page

        def call(bucket: str) -> Callable[[], Any]:
            return lambda: self.s3.list_multipart_uploads(Bucket=bucket, MaxUploads=page)

        small_name = f"mockmpu, bucket of {small:,}"
        big_name = f"mockmpu, bucket of {big:,}"
        return self.case(
            key,
            "ListMultipartUploads",
            f"page of {page}: bucket of {big:,} vs bucket of {small:,}",
            [
                Runner(small_name, call(self.buckets[small]), self.mpu_enter, self.mpu_exit),
                Runner(big_name, call(self.buckets[big]), self.mpu_enter, self.mpu_exit),
            ],
            baseline=small_name,
            targets=[Target(f"≤ 1.10x bucket of {small:,}", big_name, small_name, 1.10)],
        )

    def paginate_case(self, key: str, bucket_uploads: int) -> Case:
        """Paginate a whole bucket with botocore's paginator.

        The floor and mockmpu are timed page by page, alternating, and each pagination is the
        sum of its pages: this machine's speed changes on a scale of seconds (see RESULTS.md),
        so two whole paginations of several seconds each would not see the same machine. moto
        answers every upload in one request, timed whole.
        """
        bucket = self.buckets[bucket_uploads]
        heavy = bucket_uploads > self.sizes.mid_bucket

        def whole(client: Any) -> Callable[[], Any]:
            def run() -> Any:
                paginator = client.get_paginator("list_multipart_uploads")
                pages = [strip_metadata(p) for p in paginator.paginate(Bucket=bucket)]
                if sum(len(p.get("Uploads", [])) for p in pages) != bucket_uploads:
                    raise AssertionError(f"paginating {bucket} missed uploads")
                return pages

            return run

        recorded = self.record(whole(self.s3))
        floor, replay = self.floor("s3", "ListMultipartUploads", recorded)
        pages = len(recorded)
        reps = self.sizes.heavy_rounds if heavy else 3
        notes = [
            f"{pages} requests (pages of 1,000) for the floor and mockmpu, timed page by page "
            "in alternation and summed per pagination"
        ]
        runners = [
            Runner(
                "floor",
                _page_stepper(floor, bucket, bucket_uploads, replay.rewind),
                rounds=pages * reps,
                warmup=False,
                group=pages,
            ),
            self.mpu_runner(
                _page_stepper(self.s3, bucket, bucket_uploads, None),
                rounds=pages * reps,
                warmup=False,
                group=pages,
            ),
        ]
        if self.moto is not None and not heavy:
            runners.append(self.moto_runner(whole(self.moto.s3), rounds=2, warmup=False))
            notes.append("moto answers one page holding every upload (it ignores MaxUploads)")
        elif self.moto is not None:
            notes.append(
                "moto: not re-run; it ignores MaxUploads and answers every upload in one page, so "
                "its pagination is the single request timed in 1c (shown in 1e for 10,000)"
            )
        return self.case(
            key,
            "ListMultipartUploads",
            f"paginate all {bucket_uploads:,} uploads",
            runners,
            notes=notes,
            min_rounds=1,
            verify=None if heavy else self.same_parse(whole(floor), whole(self.s3), replay.rewind),
        )

    # ---------------------------------------------------------------------- 2. ListParts

    def list_parts_case(self, key: str, *, many: bool, target: float | None) -> Case:
        upload = self.many if many else self.few
        count = self.sizes.many_parts if many else self.sizes.few_parts

        def call_with(client: Any, upload_id: str) -> Callable[[], Any]:
            params = {"Bucket": "bench-parts", "Key": upload.key, "UploadId": upload_id}
            return lambda: strip_metadata(client.list_parts(**params))

        recorded = self.record(call_with(self.s3, upload.upload_id))
        floor, _ = self.floor("s3", "ListParts", recorded)
        notes = [f"{len(recorded[0].body):,}-byte response"]
        unsigned, _ = self.floor("s3", "ListParts", recorded, unsigned=True)
        runners = [
            Runner("floor", call_with(floor, upload.upload_id)),
            self.mpu_runner(call_with(self.s3, upload.upload_id)),
            Runner(UNSIGNED_FLOOR, call_with(unsigned, upload.upload_id)),
            self.codec_runner(recorded),
            *self.dict_runner(call_with(self.s3, upload.upload_id)),
        ]
        if self.moto is not None:
            moto_id = self.moto_many if many else self.moto_few
            runners.append(self.moto_runner(call_with(self.moto.s3, moto_id)))
            notes.append("moto's parts hold 1-byte bodies (it keeps every body)")
        targets = _ratio_target(target)
        if not many:
            targets.append(_own_time_target())
        return self.case(
            key,
            "ListParts",
            f"{count:,} parts (default MaxParts)",
            runners,
            notes=notes,
            targets=targets,
            differences=[("mockmpu", UNSIGNED_FLOOR)],
            verify=self.same_parse(
                call_with(floor, upload.upload_id),
                call_with(self.s3, upload.upload_id),
                lambda: self.dict_same(
                    call_with(floor, upload.upload_id), call_with(self.s3, upload.upload_id)
                ),
            ),
            budget=10.0 if count >= 1000 else 3.0,
        )

    # ---------------------------------------------------------------------- 3. Glacier

    def glacier_case(self, key: str, operation: str) -> Case:
        limit = str(self.sizes.glacier_limit)
        upload_id = self.glacier_upload.upload_id

        def call_with(client: Any) -> Callable[[], Any]:
            if operation == "ListMultipartUploads":
                return lambda: strip_metadata(
                    client.list_multipart_uploads(vaultName="bench-vault", limit=limit)
                )
            return lambda: strip_metadata(
                client.list_parts(vaultName="bench-vault", uploadId=upload_id, limit=limit)
            )

        recorded = self.record(call_with(self.glacier))
        floor, _ = self.floor("glacier", operation, recorded)
        unsigned, _ = self.floor("glacier", operation, recorded, unsigned=True)
        of = (
            f"vault of {self.sizes.glacier_uploads + 1:,} uploads"
            if operation == "ListMultipartUploads"
            else f"upload of {self.sizes.glacier_parts:,} parts"
        )
        return self.case(
            key,
            "Glacier " + operation,
            f"limit {limit}, {of}",
            [
                Runner("floor", call_with(floor)),
                self.mpu_runner(call_with(self.glacier)),
                Runner(UNSIGNED_FLOOR, call_with(unsigned)),
                self.codec_runner(recorded),
                *self.dict_runner(call_with(self.glacier)),
            ],
            notes=[
                f"{len(recorded[0].body):,}-byte response; moto has no Glacier multipart support"
            ],
            targets=_ratio_target(1.15),
            differences=[("mockmpu", UNSIGNED_FLOOR)],
            verify=self.same_parse(
                call_with(floor),
                call_with(self.glacier),
                lambda: self.dict_same(call_with(floor), call_with(self.glacier)),
            ),
        )

    # ---------------------------------------------------------------------- 4. lifecycle

    def create_case(self, key: str) -> Case:
        def call_with(client: Any) -> Callable[[], Any]:
            return lambda: client.create_multipart_upload(Bucket="bench-life", Key="new.bin")

        floor, _ = self.floor("s3", "CreateMultipartUpload", self.record(call_with(self.s3)))
        runners = [Runner("floor", call_with(floor)), self.mpu_runner(call_with(self.s3))]
        if self.moto is not None:
            runners.append(self.moto_runner(call_with(self.moto.s3)))
        return self.case(key, "Lifecycle", "CreateMultipartUpload", runners)

    def upload_part_case(self, key: str) -> Case:
        body = self.body

        def call_with(client: Any, upload_id: str) -> Callable[[], Any]:
            return lambda: client.upload_part(
                Bucket="bench-life", Key="target.bin", UploadId=upload_id, PartNumber=1, Body=body
            )

        uid = self.target.upload_id
        recorded = self.record(call_with(self.s3, uid))
        floor, _ = self.floor("s3", "UploadPart", recorded)
        unsigned, _ = self.floor("s3", "UploadPart", recorded, unsigned=True)
        runners = [
            Runner("floor", call_with(floor, uid)),
            self.mpu_runner(call_with(self.s3, uid)),
            Runner(UNSIGNED_FLOOR, call_with(unsigned, uid)),
            self.codec_runner(recorded),
        ]
        if self.moto is not None:
            runners.append(self.moto_runner(call_with(self.moto.s3, self.moto_target)))
        return self.case(
            key,
            "Lifecycle",
            f"UploadPart, {len(body) / MIB:g} MiB body",
            runners,
            targets=[
                Target(
                    f"≥ {UPLOAD_PART_RATE / 1e6:.0f} MB/s",
                    "mockmpu",
                    None,
                    UPLOAD_PART_RATE,
                    kind="rate",
                    nbytes=len(body),
                    source="issue 13",
                )
            ],
            differences=[("mockmpu", UNSIGNED_FLOOR)],
            notes=[
                "MB/s: the body's bytes over mockmpu's median time per client.upload_part call "
                "(botocore's own work included, as a test sees it)",
                "botocore sends the body aws-chunked with a CRC32 trailer computed as the body is "
                "read; the floor never reads it, mockmpu does (then de-chunks it, checks the CRC32 "
                "and computes the MD5 that is the part's ETag)",
            ],
        )

    def complete_case(self, key: str) -> Case:
        n = self.sizes.complete_parts
        pending: dict[str, dict[str, Any]] = {}

        def arrange_mpu() -> None:
            upload = self.mpu.s3.create_multipart_upload(
                "bench-life", "done.bin", parts=range(1, n + 1)
            )
            etags = {p.part_number: p.etag for p in upload.parts.values()}
            pending["mockmpu"] = _complete_params(upload.upload_id, etags)

        def call_with(client: Any, who: str) -> Callable[[], Any]:
            return lambda: client.complete_multipart_upload(**pending[who])

        arrange_mpu()
        recorded = self.record(call_with(self.s3, "mockmpu"))
        floor, _ = self.floor("s3", "CompleteMultipartUpload", recorded)
        unsigned, _ = self.floor("s3", "CompleteMultipartUpload", recorded, unsigned=True)
        pending["floor"] = pending["mockmpu"]
        runners = [
            Runner("floor", call_with(floor, "floor")),
            self.mpu_runner(call_with(self.s3, "mockmpu"), setup=arrange_mpu),
            Runner(UNSIGNED_FLOOR, call_with(unsigned, "floor")),
        ]
        notes = [f"each call completes a fresh upload of {n} 5 MiB parts, arranged untimed"]
        if self.moto is not None:
            moto = self.moto

            def arrange_moto() -> None:
                (upload_id,) = _moto.create_uploads("bench-life", ["done.bin"])
                _moto.upload_parts(
                    "bench-life", upload_id, dict.fromkeys(range(1, n + 1), self.body)
                )
                parts = _moto.backend().get_bucket("bench-life").multiparts[upload_id].parts
                pending["moto"] = _complete_params(upload_id, {k: p.etag for k, p in parts.items()})

            runners.append(
                self.moto_runner(
                    call_with(moto.s3, "moto"),
                    setup=arrange_moto,
                    rounds=2 if n >= 50 else None,
                    warmup=n < 50,
                )
            )
            notes.append("moto holds and concatenates the part bodies")
        return self.case(
            key,
            "Lifecycle",
            f"CompleteMultipartUpload, {n} parts",
            runners,
            notes=notes,
            targets=[
                Target(
                    f"≤ {COMPLETE_LIMIT:.2f}x floor",
                    "mockmpu",
                    "floor",
                    COMPLETE_LIMIT,
                    source="issue 13",
                )
            ],
            differences=[("mockmpu", UNSIGNED_FLOOR)],
        )

    # ---------------------------------------------------------------------- 5. scenarios

    def build_cases(self, key: str) -> list[Case]:
        s = self.sizes
        cases = []
        for i, (name, (kind, build)) in enumerate(SCENARIO_BUILDERS.items()):
            n = s.build_uploads if kind == "uploads" else s.build_parts
            runners = [_builder_runner(build, n)]
            notes = [f"builder: {name} ({build.__doc__ or build.__name__})"]
            targets = []
            if kind == "uploads":
                targets.append(Target("< 1 s", "mockmpu", None, 1.0))
                if build is _build_uploads_shuffled:
                    targets.append(
                        Target(
                            f"≤ {SHUFFLED_LIMIT:g} s",
                            "mockmpu",
                            None,
                            SHUFFLED_LIMIT,
                            source="issue 13",
                        )
                    )
                if self.moto is not None and i == 0:
                    runners.append(self._moto_build_runner(n))
                    notes.append(
                        "moto: through its backend (no HTTP, no botocore); through its API, "
                        "100,000 uploads took 154 s (issue 5), not re-run"
                    )
            else:
                notes.append("moto cannot hold 10,000 parts of 5 MiB: it keeps every body")
            cases.append(
                self.case(
                    f"{key}{'abcdefgh'[i]}",
                    "Build a scenario",
                    f"{n:,} {kind}, {name}",
                    runners,
                    baseline=None,
                    budget=3.0,
                    min_rounds=3 if s.min_rounds >= 5 else 1,
                    targets=targets,
                    notes=notes,
                )
            )
        cases.append(self._growth_case(f"{key}{'abcdefgh'[len(cases)]}"))
        cases.append(self._million_case(f"{key}{'abcdefgh'[len(cases)]}"))
        return cases

    def _growth_case(self, key: str) -> Case:
        """Shuffled keys through the view at n and 3n, paired round by round."""
        n = self.sizes.shuffled_uploads
        small, big = f"mockmpu, n={n:,}", f"mockmpu, n={3 * n:,}"
        nlogn = 3 * math.log(3 * n) / math.log(n)
        limit = GROWTH_SLACK * nlogn
        rounds = 3 if self.sizes.min_rounds >= 5 else 1
        small_runner = _builder_runner(_build_uploads_shuffled, n)
        big_runner = _builder_runner(_build_uploads_shuffled, 3 * n)
        small_runner.name, big_runner.name = small, big
        small_runner.rounds = big_runner.rounds = rounds
        return self.case(
            key,
            "Build a scenario",
            f"growth: mpu.s3 view, keys shuffled, {3 * n:,} vs {n:,} uploads",
            [small_runner, big_runner],
            baseline=small,
            min_rounds=rounds,
            targets=[
                Target(
                    f"≤ {limit:.2f}x n={n:,} (n log n: {nlogn:.2f}x, with {GROWTH_SLACK:g}x slack; "
                    "quadratic: 9x)",
                    big,
                    small,
                    limit,
                    source="issue 13",
                )
            ],
            notes=[
                "the same builder as the shuffled-keys case, at n and 3n in alternating rounds; "
                "a list with insort grows 9x (quadratic), a sorted container about "
                f"{nlogn:.1f}x (n log n)"
            ],
        )

    def _million_case(self, key: str) -> Case:
        n = self.sizes.million_uploads
        runner = _builder_runner(_scenario_many_uploads, n)
        runner.rounds = 3 if self.sizes.min_rounds >= 5 else 1
        return self.case(
            key,
            "Build a scenario",
            f"{n:,} uploads, scenarios.many_uploads(n)",
            [runner],
            baseline=None,
            min_rounds=runner.rounds,
            targets=[
                Target(
                    f"≤ {BUILD_MILLION_LIMIT:g} s",
                    "mockmpu",
                    None,
                    BUILD_MILLION_LIMIT,
                    source="issue 13",
                )
            ],
            notes=[
                "each round builds into a fresh mock; freeing the previous million is untimed. "
                "Bytes per upload: case 7e (tracemalloc, fresh process)"
            ],
        )

    def _moto_build_runner(self, n: int) -> Runner:
        assert self.moto is not None
        moto = self.moto
        keys = [upload_key(i) for i in range(n)]

        def teardown() -> None:
            _moto.backend().get_bucket("bench-build").multiparts.clear()
            _moto.backend().delete_bucket("bench-build")

        return Runner(
            "moto",
            lambda: _moto.create_uploads("bench-build", keys),
            setup=lambda: moto.create_bucket("bench-build"),
            teardown=teardown,
            rounds=1 if n >= 50_000 else None,
            warmup=n < 50_000,
        )

    # ---------------------------------------------------------------------- 6. activation

    def activation_cases(self, key: str) -> list[Case]:
        """Enter/exit and client creation; run after :meth:`MotoSide.drop` (moto resets)."""

        def enter_exit_mpu() -> None:
            with mock_mpu():
                pass

        runners = [Runner("mockmpu", enter_exit_mpu)]
        targets = []
        if self.moto is not None:
            from moto import mock_aws

            def enter_exit_moto() -> None:
                with mock_aws():
                    pass

            runners.append(Runner("moto", enter_exit_moto))
            targets.append(Target("≤ 0.10x moto", "mockmpu", "moto", 0.10))
        cases = [
            self.case(
                f"{key}a",
                "Activation",
                "enter + exit: mock_mpu() / mock_aws()",
                runners,
                baseline="moto" if self.moto is not None else None,
                budget=2.0,
                targets=targets,
                notes=["each mock_mpu() is a new handle with a fresh state, as per test"],
            )
        ]
        session = boto3.session.Session()
        for suffix, title, call in (
            ("b", "boto3.client('s3') while active", _default_client),
            (
                "c",
                "session.client('s3') while active, existing session",
                lambda: session.client("s3", region_name=REGION),
            ),
        ):
            toggle = _Toggle()
            each = [
                Runner("floor", call),
                Runner("mockmpu", call, enter=toggle.enter, exit=toggle.exit),
            ]
            notes = ["floor: no mock active"]
            if self.moto is not None:
                from moto import mock_aws

                moto_mock = mock_aws()
                each.append(Runner("moto", call, enter=moto_mock.start, exit=moto_mock.stop))
                if suffix == "b":
                    notes.append(
                        "mock_aws() replaces boto3's default session on start, so the first "
                        "boto3.client() of each test builds a new session"
                    )
            cases.append(
                self.case(
                    f"{key}{suffix}",
                    "Activation",
                    title,
                    each,
                    budget=3.0,
                    max_rounds=60,
                    notes=notes,
                )
            )
        return cases


def _repeat_options() -> dict[str, Any]:
    """Options that let one handle answer the same listing hundreds of times.

    mockmpu's loop guard (``loop_guard``, where this mockmpu has it) stops a client that gets
    the same listing answer more than 100 times; the benchmark asks exactly that on purpose. A
    huge limit keeps the guard's per-call work (it hashes every listing reply) in the figures.
    """
    if "loop_guard" in inspect.signature(MpuMock.__init__).parameters:
        return {"loop_guard": 10**9}
    return {}


def _page_stepper(
    client: Any, bucket: str, expected: int, restart: Callable[[], None] | None
) -> Callable[[], Any]:
    """One call = the next page of a paginator run (one request); a new run after the last."""
    current: dict[str, Any] = {}

    def step() -> Any:
        if "pages" not in current:
            if restart is not None:
                restart()
            paginator = client.get_paginator("list_multipart_uploads")
            current["pages"] = iter(paginator.paginate(Bucket=bucket))
            current["seen"] = 0
        page = next(current["pages"])
        current["seen"] += len(page.get("Uploads", []))
        if not page["IsTruncated"]:
            if current["seen"] != expected:
                raise AssertionError(f"paginating {bucket} saw {current['seen']} uploads")
            current.clear()
        return page

    return step


def _default_client() -> object:
    return boto3.client("s3", region_name=REGION)


def _builder_runner(build: Callable[[MpuMock, int], object], n: int) -> Runner:
    holder: list[MpuMock] = []

    def fresh() -> None:
        mpu = mock_mpu(clock=FROZEN, seed=0)
        mpu.s3.create_bucket("bench-build")
        holder[:] = [mpu]

    return Runner(
        "mockmpu",
        lambda: build(holder[0], n),
        setup=fresh,
        teardown=holder.clear,
        rounds=3 if n >= 50_000 else None,
    )


def _own_time_target() -> Target:
    return Target(
        f"- {UNSIGNED_FLOOR} ≤ {OWN_TIME_LIMIT * 1e6:.0f} µs (paired)",
        "mockmpu",
        UNSIGNED_FLOOR,
        OWN_TIME_LIMIT,
        kind="difference",
        source="issue 13",
    )


def _ratio_target(limit: float | None) -> list[Target]:
    if limit is None:
        return []
    return [Target(f"≤ {limit:.2f}x floor", "mockmpu", "floor", limit)]


def _complete_params(upload_id: str, etags: Mapping[int, str]) -> dict[str, Any]:
    return {
        "Bucket": "bench-life",
        "Key": "done.bin",
        "UploadId": upload_id,
        "MultipartUpload": {"Parts": [{"PartNumber": n, "ETag": etags[n]} for n in sorted(etags)]},
    }
