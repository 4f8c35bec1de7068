"""Fault injection, S3 protocol faults and the loop guard, through real botocore clients.

Every retry count asserted here is the one botocore itself reports (``RetryAttempts``,
``MaxAttemptsReached``) after its own retry handler acted on the injected answer; every
pagination outcome is botocore's paginator (or a hand-written loop) acting on the wire bytes.
botocore's backoff sleeps are recorded instead of slept, so the tests stay fast and can also assert
how many times botocore decided to retry.
"""

from __future__ import annotations

import functools
import re
import types
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import boto3
import botocore.endpoint
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, PaginationError

from mockmpu import InjectedFault, ListingLoopError, MockmpuError, MpuMock, mock_mpu

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
SLOW_DOWN = "Please reduce your request rate."
INTERNAL_ERROR = "We encountered an internal error. Please try again."


@pytest.fixture(autouse=True)
def naps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """botocore's retry backoffs, recorded instead of slept (``endpoint.py`` sleeps only there)."""
    slept: list[float] = []
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=slept.append))
    return slept


@pytest.fixture
def mpu() -> Iterator[MpuMock]:
    with mock_mpu(clock=T0) as handle:
        handle.s3.create_bucket("bkt")
        handle.glacier.create_vault("v")
        yield handle


@functools.cache
def _session() -> Any:
    # One session for the module: a new client per test, without reloading the service models.
    return boto3.session.Session()


def s3_client(**retries: Any) -> Any:
    config = Config(retries=retries) if retries else None
    return _session().client("s3", region_name="us-east-1", config=config)


def glacier_client(**retries: Any) -> Any:
    config = Config(retries=retries) if retries else None
    return _session().client("glacier", region_name="us-east-1", config=config)


def outcomes(mpu: MpuMock, ref: str) -> list[tuple[int, str]]:
    return [(c.status, c.outcome) for c in mpu.calls.filter(ref)]


def colliding_keys(mpu: MpuMock) -> None:
    """BUG-04's bucket: keys a000..a997, then 10 uploads of ``b``, then ``c`` (1009 uploads)."""
    for i in range(998):
        mpu.s3.create_multipart_upload("bkt", f"a{i:03d}")
    for _ in range(10):
        mpu.s3.create_multipart_upload("bkt", "b")
    mpu.s3.create_multipart_upload("bkt", "c")


# ----------------------------------------------------------------------- injected errors, retried


def test_slowdown_on_the_first_two_attempts_is_retried_to_success(
    mpu: MpuMock, naps: list[float]
) -> None:
    upload = mpu.s3.create_multipart_upload("bkt", "k", parts=[1, 2])
    fault = mpu.faults.fail("s3:ListParts", "SlowDown", times=2)
    s3 = s3_client(mode="standard")

    response = s3.list_parts(Bucket="bkt", Key="k", UploadId=upload.upload_id)

    assert [p["PartNumber"] for p in response["Parts"]] == [1, 2]
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(naps) == 2  # botocore backed off twice
    assert outcomes(mpu, "s3:ListParts") == [(503, "SlowDown"), (503, "SlowDown"), (200, "ok")]
    assert (fault.seen, fault.triggered, fault.exhausted) == (3, 2, True)
    assert mpu.calls.filter("s3:ListParts")[0].params == {
        "Bucket": "bkt",
        "Key": "k",
        "UploadId": upload.upload_id,
    }


@pytest.mark.parametrize(
    ("retries", "attempts"),
    [
        ({"mode": "standard"}, 3),
        ({"mode": "standard", "max_attempts": 3}, 4),  # Config's max_attempts counts retries
        ({"mode": "legacy", "max_attempts": 4}, 5),
        ({"mode": "standard", "total_max_attempts": 1}, 1),
    ],
    ids=["standard-default", "standard-3-retries", "legacy-4-retries", "no-retries"],
)
def test_a_fault_outlasting_the_retries_raises_its_code_after_botocores_attempts(
    mpu: MpuMock, naps: list[float], retries: dict[str, Any], attempts: int
) -> None:
    fault = mpu.faults.fail("s3:ListMultipartUploads", "SlowDown", times=None)

    with pytest.raises(ClientError) as caught:
        s3_client(**retries).list_multipart_uploads(Bucket="bkt")

    error = caught.value.response
    assert error["Error"] == {"Code": "SlowDown", "Message": SLOW_DOWN}
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert error["ResponseMetadata"]["RetryAttempts"] == attempts - 1
    assert fault.triggered == attempts == len(mpu.calls.filter(outcome="SlowDown"))
    assert len(naps) == attempts - 1


def test_complete_200_with_error_is_retried_by_botocore_then_succeeds(
    mpu: MpuMock, naps: list[float]
) -> None:
    upload = mpu.s3.create_multipart_upload("bkt", "big.bin", parts={1: b"only part"})
    etag = mpu.s3.parts("bkt", upload.upload_id)[0].etag
    mpu.faults.fail("s3:CompleteMultipartUpload", "InternalError", status=200)
    s3 = s3_client(mode="standard")
    seen: list[tuple[int, bytes]] = []
    s3.meta.events.register(
        "before-parse.s3.CompleteMultipartUpload",
        lambda response_dict, **_: seen.append(
            (response_dict["status_code"], response_dict["body"])
        ),
    )

    done = s3.complete_multipart_upload(
        Bucket="bkt",
        Key="big.bin",
        UploadId=upload.upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )

    assert done["ETag"].endswith('-1"')
    assert done["ResponseMetadata"]["RetryAttempts"] == 1
    assert mpu.s3.object("bkt", "big.bin").etag == done["ETag"]
    # The wire answer was 200; botocore's own 200-error check rewrote it to 500 and retried.
    assert outcomes(mpu, "s3:CompleteMultipartUpload") == [(200, "InternalError"), (200, "ok")]
    first_status, first_body = seen[0]
    assert first_status == 500
    assert first_body.startswith(
        b'<?xml version="1.0" encoding="UTF-8"?>\n\n<Error><Code>InternalError</Code>'
        b"<Message>We encountered an internal error. Please try again.</Message><RequestId>"
    )


def test_complete_200_with_error_on_every_attempt_surfaces_as_500(mpu: MpuMock) -> None:
    upload = mpu.s3.create_multipart_upload("bkt", "k", parts={1: b"x"})
    etag = mpu.s3.parts("bkt", upload.upload_id)[0].etag
    mpu.faults.fail("s3:CompleteMultipartUpload", "InternalError", status=200, times=None)

    with pytest.raises(ClientError) as caught:
        s3_client(mode="legacy", max_attempts=4).complete_multipart_upload(
            Bucket="bkt",
            Key="k",
            UploadId=upload.upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
        )

    error = caught.value.response
    assert error["Error"] == {"Code": "InternalError", "Message": INTERNAL_ERROR}
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert error["ResponseMetadata"]["RetryAttempts"] == 4
    assert outcomes(mpu, "s3:CompleteMultipartUpload") == [(200, "InternalError")] * 5
    assert [u.upload_id for u in mpu.s3.uploads("bkt")] == [upload.upload_id]  # still pending


def test_glacier_service_unavailable_is_retried(mpu: MpuMock, naps: list[float]) -> None:
    glacier = glacier_client(mode="standard")
    mpu.faults.fail("glacier:InitiateMultipartUpload", "ServiceUnavailableException")

    upload_id = glacier.initiate_multipart_upload(vaultName="v", partSize=str(1024 * 1024))[
        "uploadId"
    ]

    assert [u.upload_id for u in mpu.glacier.uploads("v")] == [upload_id]
    assert outcomes(mpu, "glacier:InitiateMultipartUpload") == [
        (500, "ServiceUnavailableException"),
        (201, "ok"),
    ]
    assert len(naps) == 1


def test_glacier_service_unavailable_outlasting_the_retries_is_the_modeled_exception(
    mpu: MpuMock,
) -> None:
    glacier = glacier_client(mode="legacy", max_attempts=2)
    fault = mpu.faults.fail(
        "glacier:ListMultipartUploads", "ServiceUnavailableException", times=None
    )

    with pytest.raises(glacier.exceptions.ServiceUnavailableException) as caught:
        glacier.list_multipart_uploads(vaultName="v")

    response = caught.value.response
    assert response["Error"]["Code"] == "ServiceUnavailableException"
    assert response["type"] == "Server"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert fault.triggered == 3


@pytest.mark.parametrize("mode", ["standard", "legacy"])
def test_a_4xx_fault_is_not_retried(mpu: MpuMock, naps: list[float], mode: str) -> None:
    upload = mpu.s3.create_multipart_upload("bkt", "k")
    mpu.faults.fail("s3:AbortMultipartUpload", "AccessDenied", times=None)
    mpu.faults.fail(
        "glacier:ListVaults",
        "AccessDeniedException",
        status=403,
        message="User is not authorized to perform: glacier:ListVaults",
        times=None,
    )

    with pytest.raises(ClientError) as s3_error:
        s3_client(mode=mode).abort_multipart_upload(
            Bucket="bkt", Key="k", UploadId=upload.upload_id
        )
    with pytest.raises(ClientError) as glacier_error:
        glacier_client(mode=mode).list_vaults()

    assert s3_error.value.response["Error"] == {"Code": "AccessDenied", "Message": "Access Denied"}
    assert glacier_error.value.response["Error"]["Code"] == "AccessDeniedException"
    for caught in (s3_error, glacier_error):
        assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 0
    assert outcomes(mpu, "s3:AbortMultipartUpload") == [(403, "AccessDenied")]
    assert outcomes(mpu, "glacier:ListVaults") == [(403, "AccessDeniedException")]
    assert naps == []
    assert len(mpu.s3.uploads("bkt")) == 1


@pytest.mark.parametrize(
    ("operation", "code", "status"),
    [
        ("s3:UploadPart", "RequestTimeout", 400),  # a transient error code, retried although 4xx
        ("glacier:UploadMultipartPart", "RequestTimeoutException", 408),
        ("glacier:ListParts", "ThrottlingException", 400),  # a throttling code
    ],
)
def test_4xx_codes_botocore_treats_as_retryable_are_retried(
    mpu: MpuMock, operation: str, code: str, status: int
) -> None:
    mpu.faults.fail(operation, code, times=None)
    s3 = s3_client(mode="standard", max_attempts=1)
    glacier = glacier_client(mode="standard", max_attempts=1)
    s3_upload = mpu.s3.create_multipart_upload("bkt", "k")
    glacier_upload = mpu.glacier.initiate_multipart_upload("v")
    calls = {
        "s3:UploadPart": lambda: s3.upload_part(
            Bucket="bkt", Key="k", UploadId=s3_upload.upload_id, PartNumber=1, Body=b"x"
        ),
        "glacier:UploadMultipartPart": lambda: glacier.upload_multipart_part(
            vaultName="v", uploadId=glacier_upload.upload_id, range="bytes 0-0/*", body=b"x"
        ),
        "glacier:ListParts": lambda: glacier.list_parts(
            vaultName="v", uploadId=glacier_upload.upload_id
        ),
    }

    with pytest.raises(ClientError) as caught:
        calls[operation]()

    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 1
    assert outcomes(mpu, operation) == [(status, code), (status, code)]


def test_a_fault_on_head_bucket_answers_like_a_head_response(mpu: MpuMock) -> None:
    mpu.faults.fail("s3:HeadBucket", "SlowDown")

    with pytest.raises(ClientError) as caught:
        s3_client(mode="standard", total_max_attempts=1).head_bucket(Bucket="bkt")

    # HEAD responses have no body, so botocore only has the status to report.
    assert caught.value.response["Error"] == {"Code": "503", "Message": "Service Unavailable"}


# --------------------------------------------------------------------------- nth, times, handles


def test_nth_and_times_count_every_attempt_after_registration(mpu: MpuMock) -> None:
    s3 = s3_client(mode="standard", total_max_attempts=1)
    s3.create_multipart_upload(Bucket="bkt", Key="before")  # not counted: made before fail()
    fault = mpu.faults.fail("s3:CreateMultipartUpload", "InternalError", nth=2, times=2)

    results = []
    for i in range(5):
        try:
            s3.create_multipart_upload(Bucket="bkt", Key=f"k{i}")
            results.append("ok")
        except ClientError as error:
            results.append(error.response["Error"]["Code"])

    assert results == ["ok", "InternalError", "InternalError", "ok", "ok"]
    assert (fault.seen, fault.triggered, fault.exhausted) == (5, 2, True)
    assert sorted(u.key for u in mpu.s3.uploads("bkt")) == ["before", "k0", "k3", "k4"]


def test_the_first_registered_fault_answers_and_every_fault_counts(mpu: MpuMock) -> None:
    s3 = s3_client(mode="standard", total_max_attempts=1)
    first = mpu.faults.fail("s3:ListMultipartUploads", "SlowDown", times=None)
    second = mpu.faults.fail("s3:ListMultipartUploads", "InternalError", nth=2, times=None)

    for _ in range(2):
        with pytest.raises(ClientError, match="SlowDown"):
            s3.list_multipart_uploads(Bucket="bkt")
    mpu.faults.clear()
    s3.list_multipart_uploads(Bucket="bkt")

    assert (first.seen, first.triggered) == (2, 2)
    assert (second.seen, second.triggered) == (2, 0)
    assert mpu.faults.injected == []
    assert repr(first) == (
        "<InjectedFault s3:ListMultipartUploads SlowDown 503, nth=1, every attempt, "
        "triggered 2 of 2 attempts>"
    )


def test_faults_belong_to_the_mock_and_protocol_switches_to_the_state(mpu: MpuMock) -> None:
    mpu.faults.fail("s3:ListMultipartUploads", "SlowDown", times=None)
    mpu.faults.omit_next_upload_id_marker = True

    with mock_mpu(state=mpu.state) as inner:
        page = s3_client().list_multipart_uploads(Bucket="bkt")  # no injected fault here
        assert inner.faults.injected == []
        assert inner.faults.omit_next_upload_id_marker is True
        assert "NextUploadIdMarker" not in page
    assert mpu.state.behaviour.omit_next_upload_id_marker is True
    assert isinstance(mpu.faults.injected[0], InjectedFault)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda f: f.fail("s3:ListPart", "SlowDown"), "S3 ListPart is not an operation mockmpu"),
        (lambda f: f.fail("s3:*", "SlowDown"), "name one of s3:AbortMultipartUpload"),
        (lambda f: f.fail("sqs:SendMessage", "SlowDown"), "serves no service 'sqs'"),
        (lambda f: f.fail("ListParts", "SlowDown"), "spelled 'service:Operation'"),
        (lambda f: f.fail("s3:ListParts", "NoSuchThing"), "pass status= and message="),
        (lambda f: f.fail("s3:ListParts", "X", status=418), "pass status= and message="),
        (
            lambda f: f.fail("glacier:ListParts", "ServiceUnavailableException", status=200),
            "status=200 with an error body exists only on S3",
        ),
        (lambda f: f.fail("s3:HeadBucket", "SlowDown", status=200), "S3 HeadBucket"),
        (lambda f: f.fail("s3:ListParts", "SlowDown", status=302), "must be 400-599"),
        (lambda f: f.fail("s3:ListParts", "SlowDown", nth=0), "nth must be an integer of 1"),
        (lambda f: f.fail("s3:ListParts", "SlowDown", times=0), "times must be an integer"),
        (lambda f: setattr(f, "strict_empty_markers", 1), "True or False, not 1"),
        (lambda f: setattr(f, "loop_guard", 0), "loop_guard must be an integer of 1 or more"),
    ],
)
def test_misuse_gets_one_clear_mockmpu_error(mpu: MpuMock, call: Any, message: str) -> None:
    with pytest.raises(MockmpuError, match=message.replace("*", r"\*")):
        call(mpu.faults)
    assert mpu.faults.injected == []


def test_an_unknown_switch_name_is_refused() -> None:
    faults = mock_mpu().faults
    with pytest.raises(AttributeError):
        faults.strict_empty_marker = True  # type: ignore[attr-defined]


# ------------------------------------------------------------------------- S3 protocol faults


def test_omitted_next_upload_id_marker_makes_the_paginator_skip_same_key_uploads(
    mpu: MpuMock,
) -> None:
    colliding_keys(mpu)
    s3 = s3_client()
    paginator = s3.get_paginator("list_multipart_uploads")
    healthy = [u for page in paginator.paginate(Bucket="bkt") for u in page["Uploads"]]
    mpu.calls.clear()

    mpu.faults.omit_next_upload_id_marker = True
    pages = list(paginator.paginate(Bucket="bkt"))
    got = [u for page in pages for u in page["Uploads"]]

    assert len(healthy) == 1009
    assert "NextUploadIdMarker" not in pages[0] and pages[0]["NextKeyMarker"] == "b"
    assert len(got) == 1001  # BUG-07: the KeyMarker-only resume skips 8 uploads of "b"
    assert sum(u["Key"] == "b" for u in got) == 2
    assert [c.params for c in mpu.calls.filter("s3:ListMultipartUploads")] == [
        {"Bucket": "bkt"},
        {"Bucket": "bkt", "KeyMarker": "b"},
    ]
    with pytest.raises(KeyError):  # hand-written loops reading the marker crash
        _ = pages[0]["NextUploadIdMarker"]


def test_stuck_next_part_number_marker_stops_the_paginator_after_one_page(mpu: MpuMock) -> None:
    upload = mpu.s3.create_multipart_upload("bkt", "big", parts={n: 1 for n in range(1, 26)})
    paginator = s3_client().get_paginator("list_parts")
    mpu.faults.stuck_next_part_number_marker = True

    pages = list(
        paginator.paginate(
            Bucket="bkt", Key="big", UploadId=upload.upload_id, PaginationConfig={"PageSize": 10}
        )
    )

    # Page one is truncated, but NextPartNumberMarker echoes the request's marker, 0, which
    # botocore takes for "no token": 10 of 25 parts, silently (MinIO before minio/minio#1528).
    assert len(pages) == 1
    assert pages[0]["IsTruncated"] is True and pages[0]["NextPartNumberMarker"] == 0
    assert [p["PartNumber"] for p in pages[0]["Parts"]] == list(range(1, 11))


def test_stuck_next_part_number_marker_makes_a_resumed_paginator_raise(mpu: MpuMock) -> None:
    upload = mpu.s3.create_multipart_upload("bkt", "big", parts={n: 1 for n in range(1, 26)})
    paginator = s3_client().get_paginator("list_parts")
    mpu.faults.stuck_next_part_number_marker = True

    with pytest.raises(PaginationError, match="The same next token was received twice"):
        for _ in paginator.paginate(
            Bucket="bkt",
            Key="big",
            UploadId=upload.upload_id,
            PartNumberMarker=10,
            PaginationConfig={"PageSize": 10},
        ):
            pass
    assert len(mpu.calls.filter("s3:ListParts")) == 2


def test_stuck_next_part_number_marker_spins_a_while_loop_into_the_loop_guard() -> None:
    with mock_mpu(loop_guard=5) as mpu:
        mpu.s3.create_bucket("bkt")
        upload = mpu.s3.create_multipart_upload("bkt", "big", parts={n: 1 for n in range(1, 26)})
        mpu.faults.stuck_next_part_number_marker = True
        s3 = s3_client()
        kwargs = {"Bucket": "bkt", "Key": "big", "UploadId": upload.upload_id, "MaxParts": 10}
        seen = 0
        with pytest.raises(ListingLoopError) as caught:
            response = s3.list_parts(**kwargs)
            while response["IsTruncated"]:  # BUG-10: a loop that trusts the server's marker
                seen += len(response["Parts"])
                response = s3.list_parts(
                    **kwargs, PartNumberMarker=response["NextPartNumberMarker"]
                )
        # First page without a marker, then PartNumberMarker=0 five times; the sixth raised.
        assert len(mpu.calls.filter("s3:ListParts")) == 6
        assert seen == 60
        assert "PartNumberMarker='0'" in str(caught.value)
        mpu.faults.loops.clear()  # provoked on purpose: let the mock exit cleanly


def test_strict_empty_markers_reject_the_syslog_ng_first_request(mpu: MpuMock) -> None:
    s3 = s3_client()
    mpu.s3.create_multipart_upload("bkt", "p/1")
    first_request = {"Bucket": "bkt", "Prefix": "p/", "KeyMarker": "", "UploadIdMarker": ""}
    assert len(s3.list_multipart_uploads(**first_request)["Uploads"]) == 1  # AWS accepts it

    mpu.faults.strict_empty_markers = True
    with pytest.raises(ClientError) as caught:
        s3.list_multipart_uploads(**first_request)

    assert caught.value.response["Error"] == {
        "Code": "InvalidArgument",
        "Message": "Invalid argument.",
        "Details": "Invalid upload ID marker: ",
    }
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # The fix (syslog-ng#4956): send markers only after a truncated page; the paginator never
    # sends empty ones either.
    assert len(s3.list_multipart_uploads(Bucket="bkt", Prefix="p/")["Uploads"]) == 1
    pages = s3.get_paginator("list_multipart_uploads").paginate(Bucket="bkt")
    assert [u["Key"] for page in pages for u in page["Uploads"]] == ["p/1"]


# ------------------------------------------------------------------------------------ loop guard


def test_an_encoded_key_marker_sent_back_loops_and_the_default_guard_stops_it(
    naps: list[float],
) -> None:
    with mock_mpu(clock=T0) as mpu:
        mpu.s3.create_bucket("bkt")
        for key in ("dir/ü 0", "dir/ü 1", "dir/ü 2", "dir/ü 3"):
            mpu.s3.create_multipart_upload("bkt", key)
        s3 = s3_client(mode="standard")
        kwargs = {"Bucket": "bkt", "EncodingType": "url", "MaxUploads": 2}
        with pytest.raises(ListingLoopError) as caught:
            response = s3.list_multipart_uploads(**kwargs)
            while response["IsTruncated"]:  # BUG-05: the encoded NextKeyMarker sent back as is
                response = s3.list_multipart_uploads(**kwargs, KeyMarker=response["NextKeyMarker"])
        mpu.faults.loops.clear()

    error = caught.value
    assert not isinstance(error, ClientError) and isinstance(error, AssertionError)
    assert naps == []  # botocore did not retry it
    # One first page, then 100 identical answers to KeyMarker='dir/%C3%BC+1'; the 101st raised.
    assert len(mpu.calls) == 101
    assert str(error) == (
        "mockmpu: listing loop: S3 ListMultipartUploads (Bucket='bkt', EncodingType='url', "
        "KeyMarker='dir/%C3%BC+1', MaxUploads='2') was requested 101 times with the same answer "
        "each time (loop_guard=100), so the client is not paging forward.\n"
        "  Likely cause: the next marker is not advanced or not sent back, it is sent back "
        "URL-encoded, or the listing restarts from the first page after a marker the server did "
        "not recognise.\n"
        "  To allow more repeats use mock_mpu(loop_guard=N); loop_guard=None disables the guard."
    )


@pytest.mark.parametrize(
    ("end_marker", "unknown_marker", "requests"),
    [
        # marker "null" gets page one again: positions None, M1, M2, "null", M1, M2, "null", ...
        ("string-null", "restart", 10),
        # botocore drops the token "None" and asks for page one: None, M1, M2, None, ...
        ("string-None", "error", 9),
    ],
    ids=["null-string-restarts", "None-string-dropped-by-botocore"],
)
def test_a_glacier_paginator_cycle_is_stopped(
    end_marker: str, unknown_marker: str, requests: int
) -> None:
    with mock_mpu(loop_guard=3) as mpu:
        mpu.glacier.create_vault("v")
        for _ in range(120):
            mpu.glacier.initiate_multipart_upload("v")
        mpu.state.behaviour.glacier_end_marker = end_marker
        mpu.state.behaviour.glacier_unknown_marker = unknown_marker
        paginator = glacier_client().get_paginator("list_multipart_uploads")
        pages = 0
        with pytest.raises(ListingLoopError, match="Glacier ListMultipartUploads") as caught:
            for _ in paginator.paginate(vaultName="v"):
                pages += 1
        mpu.faults.loops.clear()

    # The tokens cycle, so botocore's same-token check never fires; the fourth identical answer
    # to one position was refused.
    assert pages == len(mpu.calls.filter("glacier:ListMultipartUploads")) == requests
    assert "requested 4 times with the same answer each time (loop_guard=3)" in str(caught.value)


def test_a_swallowed_loop_fails_again_when_the_mock_stops() -> None:
    mpu = mock_mpu(loop_guard=2)
    mpu.start()
    mpu.s3.create_bucket("bkt")
    mpu.s3.create_multipart_upload("bkt", "a")
    mpu.s3.create_multipart_upload("bkt", "b")
    s3 = s3_client()
    try:  # code under test that swallows everything
        while True:
            s3.list_multipart_uploads(Bucket="bkt", MaxUploads=1, KeyMarker="")
    except Exception:
        pass
    assert len(mpu.faults.loops) == 1

    with pytest.raises(ListingLoopError) as caught:
        mpu.stop()
    assert str(caught.value).startswith(
        "mockmpu: 1 listing loop was stopped and caught by the code under test:\n- mockmpu: "
        "listing loop: S3 ListMultipartUploads (Bucket='bkt', KeyMarker='', MaxUploads='1') was "
        "requested 3 times"
    )
    assert not mpu.active


def test_a_body_failing_on_its_own_is_not_hidden_by_the_loop_report() -> None:
    with pytest.raises(ValueError, match="the test's own failure"), mock_mpu(loop_guard=1) as mpu:
        mpu.s3.create_bucket("bkt")
        s3 = s3_client()
        s3.list_multipart_uploads(Bucket="bkt")
        with pytest.raises(ListingLoopError):
            s3.list_multipart_uploads(Bucket="bkt")
        raise ValueError("the test's own failure")


def test_the_default_guard_allows_a_hundred_identical_answers_not_more() -> None:
    with mock_mpu() as mpu:
        mpu.s3.create_bucket("bkt")
        mpu.s3.create_multipart_upload("bkt", "k")
        s3 = s3_client()
        for _ in range(100):  # e.g. a test that runs a cleaner 100 times over the same bucket
            s3.list_multipart_uploads(Bucket="bkt")
        with pytest.raises(ListingLoopError, match="requested 101 times"):
            s3.list_multipart_uploads(Bucket="bkt")
        mpu.faults.loops.clear()
    assert mpu.faults.loop_guard == 100


def test_the_count_restarts_when_the_answer_changes() -> None:
    with mock_mpu(loop_guard=2) as mpu:
        mpu.s3.create_bucket("bkt")
        s3 = s3_client()
        paginator = s3.get_paginator("list_multipart_uploads")
        for i in range(30):  # poll, upload, poll again: the same request, a new answer each time
            s3.list_multipart_uploads(Bucket="bkt")
            s3.list_multipart_uploads(Bucket="bkt")
            s3.create_multipart_upload(Bucket="bkt", Key=f"k{i:02d}")
        for _ in range(2):  # two complete paginations of an unchanged bucket
            keys = [
                u["Key"]
                for page in paginator.paginate(Bucket="bkt", PaginationConfig={"PageSize": 7})
                for u in page["Uploads"]
            ]
            assert len(keys) == 30
        with pytest.raises(ListingLoopError):  # a third one repeats page one a third time
            list(paginator.paginate(Bucket="bkt", PaginationConfig={"PageSize": 7}))
        mpu.faults.loops.clear()


def test_loop_guard_none_disables_the_guard() -> None:
    with mock_mpu(loop_guard=None) as mpu:
        mpu.glacier.create_vault("v")
        glacier = glacier_client()
        for _ in range(150):
            glacier.list_vaults()
    assert mpu.faults.loop_guard is None
    assert mpu.faults.loops == []


@pytest.mark.mpu_mock(loop_guard=7)
def test_the_option_reaches_the_fixture_and_fresh_mocks(mpu_mock: MpuMock) -> None:
    assert mpu_mock.faults.loop_guard == 7
    assert mock_mpu(loop_guard=3).fresh().faults.loop_guard == 3
    mpu_mock.faults.loop_guard = 1
    mpu_mock.s3.create_bucket("bkt")
    s3 = s3_client()
    s3.head_bucket(Bucket="bkt")  # not a listing: never counted
    s3.head_bucket(Bucket="bkt")
    s3.list_multipart_uploads(Bucket="bkt")
    with pytest.raises(ListingLoopError):
        s3.list_multipart_uploads(Bucket="bkt")
    mpu_mock.faults.loops.clear()


def test_the_docs_example_runs() -> None:
    page = (Path(__file__).resolve().parent.parent / "docs" / "faults.md").read_text()
    section = page.split("# Faults and the loop guard", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    exec(compile(match.group(1), "docs/faults.md", "exec"), {})
