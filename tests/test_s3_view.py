"""``mpu.s3`` (S3View): arranging and inspecting state without the wire."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import pytest

from mockmpu import MockmpuError
from mockmpu.core.state import MpuState
from mockmpu.s3.view import DEFAULT_PART_SIZE, S3View

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
ZERO_5MIB_MD5 = hashlib.md5(bytes(DEFAULT_PART_SIZE)).hexdigest()


def view(*, keep_bodies: bool = False) -> S3View:
    s3 = S3View(MpuState(clock=T0, keep_bodies=keep_bodies))
    s3.create_bucket("bkt")
    return s3


def test_parts_by_number_are_5mib_without_keeping_bodies() -> None:
    s3 = view()
    upload = s3.create_multipart_upload("bkt", "k", parts=[3, 1, 2])
    parts = s3.parts("bkt", upload.upload_id)
    assert [(p.part_number, p.size, p.body) for p in parts] == [
        (1, DEFAULT_PART_SIZE, None),
        (2, DEFAULT_PART_SIZE, None),
        (3, DEFAULT_PART_SIZE, None),
    ]
    assert {p.etag for p in parts} == {f'"{ZERO_5MIB_MD5}"'}
    obj = s3.complete_multipart_upload("bkt", "k", upload.upload_id)
    assert obj.size == 3 * DEFAULT_PART_SIZE
    assert obj.etag == f'"{hashlib.md5(bytes.fromhex(ZERO_5MIB_MD5) * 3).hexdigest()}-3"'
    assert s3.object("bkt", "k") is obj
    assert s3.uploads("bkt") == []


def test_parts_by_mapping_of_bodies_and_sizes() -> None:
    s3 = view(keep_bodies=True)
    upload = s3.create_multipart_upload("bkt", "k", parts={1: b"hello", 2: 7, 4: 7})
    parts = s3.parts("bkt", upload.upload_id)
    assert [(p.part_number, p.size) for p in parts] == [(1, 5), (2, 7), (4, 7)]
    assert parts[0].etag == '"5d41402abc4b2a76b9719d911017c592"'
    assert parts[1].body == bytes(7) and parts[1].body is parts[2].body  # one shared filler


def test_uploads_in_listing_order_by_key_and_prefix() -> None:
    s3 = view()
    late = s3.create_multipart_upload("bkt", "k", initiated=T0 + timedelta(hours=1))
    early = s3.create_multipart_upload("bkt", "k", initiated=T0)
    other = s3.create_multipart_upload("bkt", "dir/x")
    s3.create_multipart_upload("bkt", "kk")
    assert s3.uploads("bkt", key="k") == [early, late]
    assert s3.uploads("bkt", prefix="dir/") == [other]
    assert [u.key for u in s3.uploads("bkt")] == ["dir/x", "k", "k", "kk"]
    assert s3.upload("bkt", late.upload_id) is late
    part = s3.upload_part("bkt", "k", late.upload_id, 2, b"x")
    assert s3.parts("bkt", late.upload_id) == [part]
    s3.abort_multipart_upload("bkt", "k", late.upload_id)
    assert s3.uploads("bkt", key="k") == [early]


def test_buckets() -> None:
    s3 = view()
    s3.create_bucket("west-bkt", region="us-west-2")
    assert s3.bucket_names() == ["bkt", "west-bkt"]
    assert s3.create_bucket("bkt").name == "bkt"  # us-east-1 re-create is a no-op, as on AWS


@pytest.mark.parametrize(
    ("action", "fragment"),
    [
        (lambda s3: s3.uploads("nope"), "mpu.s3.create_bucket('nope')"),
        (lambda s3: s3.create_multipart_upload("nope", "k"), "mpu.s3.create_bucket('nope')"),
        (lambda s3: s3.upload("bkt", "missing"), "mpu.s3.uploads('bkt')"),
        (lambda s3: s3.object("bkt", "k"), "complete an upload of it first"),
        (lambda s3: s3.create_bucket("Bad_Name"), "InvalidBucketName (400)"),
        (lambda s3: s3.create_bucket("bkt", region="eu-west-1"), "BucketAlreadyOwnedByYou"),
        (
            lambda s3: s3.create_multipart_upload("bkt", "k", parts=[0]),
            "Part number must be an integer between 1 and 10000",
        ),
        (
            lambda s3: s3.create_multipart_upload("bkt", "k", initiated=datetime(2024, 1, 1)),
            "timezone-aware",
        ),
    ],
)
def test_misuse_says_what_to_do(action: object, fragment: str) -> None:
    s3 = view()
    with pytest.raises(MockmpuError) as info:
        action(s3)  # type: ignore[operator]
    assert fragment in str(info.value)


def test_complete_refusals_are_reported() -> None:
    s3 = view()
    upload = s3.create_multipart_upload("bkt", "k", parts={1: 10, 2: 10})
    with pytest.raises(MockmpuError, match="EntityTooSmall"):
        s3.complete_multipart_upload("bkt", "k", upload.upload_id)
    with pytest.raises(MockmpuError, match="InvalidPart"):
        s3.complete_multipart_upload("bkt", "k", upload.upload_id, part_numbers=[7])
    with pytest.raises(MockmpuError, match="is for key 'k'"):
        s3.upload_part("bkt", "other", upload.upload_id, 1, b"x")
    assert s3.complete_multipart_upload("bkt", "k", upload.upload_id, part_numbers=[2]).size == 10
