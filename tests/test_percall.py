"""The per-call fast paths (issue 13) give exactly what the general code gives."""

from __future__ import annotations

import base64
import dataclasses
import inspect
import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl

import pytest
from botocore.awsrequest import HeadersDict
from hypothesis import given, settings
from hypothesis import strategies as st

from mockmpu.core.calls import Call
from mockmpu.core.state import IdFactory, http_date
from mockmpu.core.wire import WireRequest
from mockmpu.dispatch import _headers, _query
from mockmpu.glacier.codec import _ENCODE, _opening
from mockmpu.s3.listing import ListMultipartUploadsResult, ListPartsResult
from mockmpu.transports.botocore import _read_headers

_query_text = st.text(alphabet="ab=&;%+2F x-é", max_size=20)


@settings(max_examples=500, deadline=None)
@given(_query_text)
def test_the_query_reads_as_parse_qsl_reads_it(text: str) -> None:
    assert _query(text) == dict(parse_qsl(text, keep_blank_values=True))


def test_botocore_headers_read_as_the_dispatcher_reads_them() -> None:
    headers = HeadersDict()
    headers["User-Agent"] = "Boto3/1.0"
    headers["X-Amz-Date"] = b"20240501T120000Z"
    headers["Content-Length"] = 12  # type: ignore[assignment]
    headers["amz-sdk-request"] = "attempt=1"
    assert _read_headers(headers) == _headers(headers)
    assert list(_read_headers(headers) or {}) == [
        "user-agent",
        "x-amz-date",
        "content-length",
        "amz-sdk-request",
    ]
    assert _read_headers({"User-Agent": "x"}) is None  # any other mapping: the dispatcher's


@pytest.mark.parametrize(
    "cls",
    [WireRequest, Call, ListMultipartUploadsResult, ListPartsResult],
    ids=lambda c: c.__name__,
)
def test_hand_written_inits_take_the_dataclass_fields(cls: Any) -> None:
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    fields = dataclasses.fields(cls)
    assert [p.name for p in params] == [f.name for f in fields]
    for param, field in zip(params, fields):
        expected = (
            inspect.Parameter.empty if field.default is dataclasses.MISSING else field.default
        )
        assert param.default == expected
    values = {f.name: f"v{i}" for i, f in enumerate(fields)}
    instance = cls(**values)
    assert dataclasses.asdict(instance) == values
    assert instance == cls(*values.values())
    with pytest.raises(dataclasses.FrozenInstanceError):
        instance.x = 1


def test_host_ids_are_what_the_token_formula_gives() -> None:
    fast, slow = IdFactory(7), IdFactory(7)
    for _ in range(500):
        expected = base64.b64encode(slow._token(56).encode("ascii")[:56]).decode("ascii")
        assert fast.host_id() == expected
        assert fast.request_id() == slow.request_id()


def test_http_dates_follow_the_value_through_repeats_and_zones() -> None:
    rng = random.Random(3)
    start = datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    plus5 = timezone(timedelta(hours=5))
    for i in range(2000):
        value = start + timedelta(microseconds=rng.randrange(5 * 10**6))
        if i % 3 == 0:
            value = value.astimezone(plus5)
        expected = format_datetime(
            value.replace(microsecond=0).astimezone(timezone.utc), usegmt=True
        )
        assert http_date(value) == expected
        assert http_date(value) == expected  # the very instant again


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(), st.one_of(st.none(), st.text(), st.integers()), max_size=3))
def test_a_glacier_listing_opens_as_the_json_encoder_writes_it(head: dict[str, Any]) -> None:
    assert _opening(head) == _ENCODE(head).encode("utf-8")[:-1]
