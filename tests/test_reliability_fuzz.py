"""Hypothesis-generated raw HTTP requests to the front door: never a traceback.

Every generated request, whatever its method, host, path, query, headers and body, gets either
"not served" or an AWS-shaped response, and a response that is an error leaves the state as it was.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockmpu import mock_mpu
from mockmpu.core.wire import HttpRequest
from mockmpu.dispatch import NotServed, dispatch
from tests.corpus import RawRequest, Reply, arrange, check_reply, snapshot

WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)

_HOSTS = [
    "s3.amazonaws.com",
    "s3.us-east-1.amazonaws.com",
    "bkt.s3.us-east-1.amazonaws.com",
    "bkt.s3.amazonaws.com",
    "glacier.us-east-1.amazonaws.com",
    "glacier.eu-west-1.amazonaws.com",
    "localhost:9000",
    "bkt.localhost",
    "127.0.0.1:5000",
]
_SEGMENTS = ["bkt", "k", "obj", "-", "vaults", "v", "multipart-uploads", "{upload}", "{gupload}"]
_QUERY_NAMES = [
    "uploads", "uploadId", "partNumber", "max-uploads", "max-parts", "part-number-marker",
    "prefix", "delimiter", "key-marker", "upload-id-marker", "encoding-type", "limit", "marker",
    "x-id", "versionId", "list-type",
]  # fmt: skip
_HEADER_NAMES = [
    "content-md5", "content-encoding", "x-amz-content-sha256", "x-amz-checksum-crc32",
    "x-amz-checksum-algorithm", "x-amz-part-size", "x-amz-archive-size", "x-amz-sha256-tree-hash",
    "content-range", "range", "if-match", "if-none-match", "x-amz-glacier-version",
    "x-amz-storage-class", "authorization", "content-type", "x-amz-meta-a",
    "x-amz-decoded-content-length", "x-amz-trailer",
]  # fmt: skip

_numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.integers(min_value=0, max_value=12_000).map(str),
    st.sampled_from(["9" * 5000, "-" + "9" * 5000, "0" * 4400 + "1", "", "1e3", " 1", "0x10"]),
)
_texts = st.one_of(
    _numbers,
    st.text(max_size=30),
    st.sampled_from(["%ff%fe", "%00", "url", "{upload}", "{gupload}", "bytes 0-1048575/*"]),
)
_segment = st.one_of(
    st.sampled_from(_SEGMENTS),
    st.text(max_size=12).map(lambda t: quote(t, safe="")),
    st.sampled_from(["%ff", "%2F", "..", "%00"]),
)
_query = st.lists(
    st.tuples(st.sampled_from(_QUERY_NAMES), st.one_of(st.none(), _texts)), max_size=4
).map(lambda pairs: "&".join(n if v is None else f"{n}={quote(v, safe='%{}')}" for n, v in pairs))
_header_value = st.one_of(_texts, st.binary(max_size=12))
_headers = st.dictionaries(st.sampled_from(_HEADER_NAMES), _header_value, max_size=4)
_body = st.one_of(
    st.just(b""),
    st.binary(max_size=64),
    st.sampled_from(
        [
            b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part>"
            b"</CompleteMultipartUpload>",
            b'<!DOCTYPE x [<!ENTITY a "aaaa">]>'
            b"<CompleteMultipartUpload>&a;</CompleteMultipartUpload>",
            b"<a>" * 3000,
            b"0\r\n\r\n",
            b"5\r\nabc",
        ]
    ),
)


@st.composite
def raw_requests(draw: Any) -> tuple[str, str, dict[str, Any], bytes]:
    method = draw(st.sampled_from(["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "get"]))
    host = draw(st.sampled_from(_HOSTS))
    path = "/" + "/".join(draw(st.lists(_segment, max_size=5)))
    query = draw(_query)
    url = f"https://{host}{path}" + (f"?{query}" if query else "")
    return method, url, draw(_headers), draw(_body)


def _check(request: tuple[str, str, dict[str, Any], bytes]) -> None:
    method, url, headers, body = request
    mpu = mock_mpu(clock=WHEN)
    ids = arrange(mpu)
    url = url.replace("{upload}", ids["upload"]).replace("{gupload}", ids["gupload"])
    before = snapshot(mpu)
    reply = dispatch(mpu, HttpRequest(method, url, headers, body))
    if isinstance(reply, NotServed):
        assert reply.operation and reply.service in ("s3", "glacier")
        assert snapshot(mpu) == before
        return
    routed = RawRequest("fuzz", mpu.calls[-1].service, mpu.calls[-1].operation, method.upper(), url)
    lowered = {k.lower(): v for k, v in reply.headers.items()}
    code = check_reply(routed, Reply(reply.status, lowered, reply.body))
    if code is not None:
        assert snapshot(mpu) == before, f"{code} changed the state"


_FAST = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


@_FAST
@given(raw_requests())
def test_dispatcher_never_raises(request: tuple[str, str, dict[str, Any], bytes]) -> None:
    _check(request)


@pytest.mark.slow
@settings(
    max_examples=20_000, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
@given(raw_requests())
def test_dispatcher_never_raises_long(request: tuple[str, str, dict[str, Any], bytes]) -> None:
    _check(request)
