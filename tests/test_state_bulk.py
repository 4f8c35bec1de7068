"""Bulk arrangement (issue 13): the batched id and sequence draws equal the one-by-one draws."""

from __future__ import annotations

import gc
import random
from datetime import datetime, timezone

from mockmpu import scenarios
from mockmpu.core.state import IdFactory, MpuState
from mockmpu.s3 import semantics as _s3

T0 = datetime(2024, 5, 1, tzinfo=timezone.utc)


def test_batched_upload_ids_are_the_one_by_one_ids_and_leave_the_generator_in_step() -> None:
    one, many = IdFactory(7), IdFactory(7)
    for n in (0, 1, 5, 4096, 4097, 9000):
        assert many.s3_upload_ids(n) == [one.s3_upload_id() for _ in range(n)]
    assert many.request_id() == one.request_id()


def test_batched_sequence_numbers_continue_the_single_ones() -> None:
    state = MpuState()
    assert state.next_seq() == 1
    assert list(state.next_seqs(3)) == [2, 3, 4]
    assert state.next_seq() == 5
    assert state.last_seq == 5


def test_uploads_created_in_shuffled_key_order_list_in_key_order() -> None:
    keys = [f"k/{i:05d}" for i in range(3000)]
    random.Random(1).shuffle(keys)
    state = MpuState()
    _s3.create_bucket(state, "bkt")
    for key in keys:
        _s3.create_multipart_upload(state, "bkt", key, initiated=T0)
    listed = _s3.uploads_in_order(state.buckets["bkt"])
    assert [u.key for u in listed] == sorted(keys)
    page = _s3.list_multipart_uploads(state, "bkt", key_marker="k/01000", max_uploads=3)
    assert [u.key for u in page.uploads] == ["k/01001", "k/01002", "k/01003"]


def test_loading_a_scenario_pauses_the_collector_and_restores_it() -> None:
    assert gc.isenabled()
    scenarios.many_uploads(10).load(MpuState())
    assert gc.isenabled()
    gc.disable()
    try:
        scenarios.many_uploads(10).load(MpuState())
        assert not gc.isenabled()
    finally:
        gc.enable()
