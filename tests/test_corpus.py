"""The bad-input corpus (tests/corpus.py) through every transport, and through boto3 in both modes.

Each input gets an AWS-shaped error or a success; no exception escapes; the state after an error
is the state before it.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from mockmpu import mock_mpu
from mockmpu.services import SERVED
from tests.corpus import BIG, HUGE, RAW, TRANSPORTS, MiB, arrange, check_reply, ident, send
from tests.corpus import snapshot as state_of

WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def test_the_corpus_covers_every_served_operation() -> None:
    assert {(r.service, r.operation) for r in RAW} == SERVED
    assert len({ident(r) for r in RAW}) == len(RAW)


@pytest.mark.parametrize("transport", sorted(TRANSPORTS))
@pytest.mark.parametrize("request_", RAW, ids=ident)
def test_corpus(transport: str, request_: Any) -> None:
    with mock_mpu(clock=WHEN) as mpu:
        ids = arrange(mpu)
        before = state_of(mpu)
        reply = send(TRANSPORTS[transport], mpu, request_, ids)
        code = check_reply(request_, reply)
        if code is not None:
            assert state_of(mpu) == before, f"{code} changed the state"
        assert len(mpu.calls) == 1


_HUGE_CASES = [r for r in RAW if "huge" in r.name and HUGE in (r.url + str(r.headers))]
_HUGE_CASES += [r for r in RAW if r.name == "huge-part-number"]


@pytest.mark.parametrize("request_", _HUGE_CASES, ids=ident)
def test_huge_numbers_answer_like_other_out_of_range_values(request_: Any) -> None:
    # CPython's int() refuses more than 4,300 digits (ValueError); AWS answers a number of any
    # length with the validation error it gives any out-of-range value: the same code, status
    # and message, the value shown as sent.
    big = replace(
        request_,
        url=request_.url.replace(HUGE, BIG),
        headers={k: v.replace(HUGE, BIG) for k, v in request_.headers.items()},
        body=request_.body.replace(HUGE.encode(), BIG.encode()),
    )
    replies = []
    for req in (request_, big):
        mpu = mock_mpu(clock=WHEN)
        ids = arrange(mpu)
        replies.append(send(TRANSPORTS["dispatch"], mpu, req, ids))
    huge_reply, big_reply = replies
    assert huge_reply.status == big_reply.status >= 400
    assert huge_reply.body.replace(HUGE.encode(), BIG.encode()) == big_reply.body


# ------------------------------------------------------------------- through boto3, both modes

_G = {"accountId": "-", "vaultName": "v"}

#: (client, method, params): what botocore's own validation lets through to mockmpu.
API_CALLS: list[tuple[str, str, dict[str, Any]]] = [
    *(
        ("glacier", "initiate_multipart_upload", {**_G, "partSize": n})
        for n in (HUGE, BIG, "0", "-1", "3", "abc", "")
    ),
    *(
        (
            "glacier",
            "complete_multipart_upload",
            {**_G, "uploadId": "{gupload}", "archiveSize": n, "checksum": "0" * 64},
        )
        for n in (HUGE, BIG, "-1", "x")
    ),
    *(
        (
            "glacier",
            "upload_multipart_part",
            {**_G, "uploadId": "{gupload}", "range": f"bytes {r}/*", "body": b"a"},
        )
        for r in (f"{HUGE}-{HUGE}", f"0-{HUGE}", f"{BIG}-{BIG}", "5-1", "x")
    ),
    *(("glacier", "list_parts", {**_G, "uploadId": "{gupload}", "limit": n}) for n in (HUGE, "0")),
    *(("glacier", "list_multipart_uploads", {**_G, "limit": n}) for n in (HUGE, BIG, "-3")),
    *(("glacier", "list_vaults", {"accountId": "-", "limit": n}) for n in (HUGE, "0", "x")),
    ("glacier", "list_parts", {**_G, "uploadId": "{gupload}", "marker": "\ufffd" * 3}),
    ("glacier", "describe_vault", {"accountId": "-", "vaultName": "a/b?c#d"}),
    ("s3", "list_multipart_uploads", {"Bucket": "bkt", "MaxUploads": -1}),
    ("s3", "list_multipart_uploads", {"Bucket": "bkt", "MaxUploads": 2**31}),
    (
        "s3",
        "list_multipart_uploads",
        {"Bucket": "bkt", "Prefix": "\x00\x01<&>", "Delimiter": "]]>"},
    ),
    ("s3", "list_multipart_uploads", {"Bucket": "bkt", "KeyMarker": "\ud7ff" * 500}),
    ("s3", "list_parts", {"Bucket": "bkt", "Key": "k", "UploadId": "{upload}", "MaxParts": -5}),
    (
        "s3",
        "list_parts",
        {"Bucket": "bkt", "Key": "k", "UploadId": "{upload}", "PartNumberMarker": 2**40},
    ),
    (
        "s3",
        "upload_part",
        {"Bucket": "bkt", "Key": "k", "UploadId": "{upload}", "PartNumber": 10**30, "Body": b"x"},
    ),
    (
        "s3",
        "upload_part",
        {"Bucket": "bkt", "Key": "k", "UploadId": "{upload}", "PartNumber": 0, "Body": b"x"},
    ),
    (
        "s3",
        "upload_part",
        {
            "Bucket": "bkt",
            "Key": "k",
            "UploadId": "{upload}",
            "PartNumber": 2,
            "Body": b"\0" * (24 * MiB),
        },
    ),
    (
        "s3",
        "complete_multipart_upload",
        {
            "Bucket": "bkt",
            "Key": "k",
            "UploadId": "{upload}",
            "MultipartUpload": {"Parts": [{"PartNumber": 10**30, "ETag": "e"}]},
        },
    ),
    (
        "s3",
        "complete_multipart_upload",
        {
            "Bucket": "bkt",
            "Key": "k",
            "UploadId": "{upload}",
            "MultipartUpload": {"Parts": [{"PartNumber": 1, "ETag": "<!ENTITY x 'y'>&x;"}]},
        },
    ),
    # Not "\x07" or other C0 controls: AWS creates the upload, then renders them as "&#x7;",
    # which botocore cannot parse (boto/botocore#3496); the call fails after a success.
    ("s3", "create_multipart_upload", {"Bucket": "bkt", "Key": "<&>]]>\ufffd\t"}),
    ("s3", "abort_multipart_upload", {"Bucket": "bkt", "Key": "k", "UploadId": "\x00" * 3}),
    (
        "s3",
        "create_bucket",
        {"Bucket": "nb", "CreateBucketConfiguration": {"LocationConstraint": "<x>"}},
    ),
]


@functools.cache
def _client(service: str) -> Any:
    return boto3.session.Session().client(service, region_name="us-east-1")


def _fill(value: Any, ids: dict[str, str]) -> Any:
    return value.format(**ids) if isinstance(value, str) and value.startswith("{") else value


@pytest.mark.parametrize("wire", [True, False], ids=["wire", "dict"])
@pytest.mark.parametrize(
    "call", API_CALLS, ids=[f"{s}.{m}.{i}" for i, (s, m, _) in enumerate(API_CALLS)]
)
def test_corpus_through_boto3(wire: bool, call: tuple[str, str, dict[str, Any]]) -> None:
    service, method, params = call
    client = _client(service)
    with mock_mpu(clock=WHEN, wire=wire) as mpu:
        ids = arrange(mpu)
        before = state_of(mpu)
        try:
            getattr(client, method)(**{k: _fill(v, ids) for k, v in params.items()})
        except ClientError as error:
            assert error.response["Error"]["Code"]
            assert 400 <= error.response["ResponseMetadata"]["HTTPStatusCode"] < 600
            assert state_of(mpu) == before
        assert len(mpu.calls) >= 1
