"""The fast CompleteMultipartUpload reader agrees with the xmltodict reader wherever it answers.

Issue 13: the fast path must change no answer. Each body is read twice, through
``complete_parts`` (fast path first) and through the xmltodict reader alone; the parsed part
specs and the malformed flag must be equal, and the fast path must take botocore's own bodies.
"""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from botocore.serialize import create_serializer
from hypothesis import given, settings
from hypothesis import strategies as st

from mockmpu.core.wire import WireRequest
from mockmpu.s3 import request as s3_request
from mockmpu.s3.complete_body import fast_complete_fields, plain_complete_parts

_MODEL = botocore.session.get_session().get_service_model("s3")
_OPERATION = _MODEL.operation_model("CompleteMultipartUpload")
_SERIALIZER = create_serializer("rest-xml", include_validation=False)
NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


def _botocore_body(parts: list[dict[str, Any]]) -> bytes:
    params = {
        "Bucket": "bkt",
        "Key": "k",
        "UploadId": "u",
        "MultipartUpload": {"Parts": parts},
    }
    body = _SERIALIZER.serialize_to_request(params, _OPERATION)["body"]
    return body if isinstance(body, bytes) else body.encode("utf-8")


def _request(body: bytes) -> WireRequest:
    return WireRequest(
        service="s3",
        operation="CompleteMultipartUpload",
        labels={"Bucket": "bkt", "Key": "k"},
        method="POST",
        url="https://bkt.s3.amazonaws.com/k?uploadId=u",
        query={"uploadId": "u"},
        headers={},
        body=body,
        region="us-east-1",
    )


def _slow(body: bytes, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as m:
        m.setattr(s3_request, "fast_complete_fields", lambda _: None)
        m.setattr(s3_request, "plain_complete_parts", lambda _: None)
        return s3_request.complete_parts(_request(body))


def _same(body: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    slow = _slow(body, monkeypatch)
    assert s3_request.complete_parts(_request(body)) == slow, body
    with monkeypatch.context() as m:  # the general fast reader alone agrees too
        m.setattr(s3_request, "plain_complete_parts", lambda _: None)
        assert s3_request.complete_parts(_request(body)) == slow, body


_checksum = st.text(alphabet="ABCDEFGHabcdefgh0123456789+/=", max_size=12)
_part = st.fixed_dictionaries(
    {"PartNumber": st.integers(min_value=-5, max_value=20_000)},
    optional={
        "ETag": st.text(max_size=40).filter(lambda t: "\r" not in t),
        "ChecksumCRC32": _checksum,
        "ChecksumSHA256": _checksum,
        "ChecksumCRC64NVME": _checksum,
    },
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_part, max_size=12))
def test_botocore_bodies_agree_with_xmltodict(parts: list[dict[str, Any]]) -> None:
    body = _botocore_body(parts)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _same(body, monkeypatch)


def test_botocore_bodies_take_the_fast_path() -> None:
    parts = [
        {"PartNumber": n, "ETag": f'"{n:032x}"', "ChecksumCRC32": "AAAAAA=="} for n in range(1, 101)
    ]
    fields = fast_complete_fields(_botocore_body(parts))
    assert fields is not None and len(fields) == 100
    assert fields[0] == {
        "ETag": '"' + "0" * 31 + '1"',
        "PartNumber": "1",
        "ChecksumCRC32": "AAAAAA==",
    }


def test_the_plainest_bodies_take_the_plainest_path() -> None:
    # boto3's parts in either key order; the same texts as the general reader.
    for order in (("PartNumber", "ETag"), ("ETag", "PartNumber")):
        parts = [{k: n if k == "PartNumber" else f'"{n:032x}"' for k in order} for n in (1, 2)]
        body = _botocore_body(parts)
        assert plain_complete_parts(body) == [
            ("1", '"' + "0" * 31 + '1"'),
            ("2", '"' + "0" * 31 + '2"'),
        ]
        fields = fast_complete_fields(body)
        assert fields is not None
        assert [(f["PartNumber"], f["ETag"]) for f in fields] == plain_complete_parts(body)
    # Anything more (a checksum, whitespace, mixed orders, long numbers) is not the plainest.
    more = [
        _botocore_body([{"PartNumber": 1, "ETag": "e", "ChecksumCRC32": "AAAAAA=="}]),
        f"<CompleteMultipartUpload {NS}>\n<Part><ETag>e</ETag><PartNumber>1</PartNumber></Part>"
        "</CompleteMultipartUpload>".encode(),
        b"<CompleteMultipartUpload><Part><ETag>e</ETag><PartNumber>1</PartNumber></Part>"
        b"<Part><PartNumber>2</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>",
        b"<CompleteMultipartUpload><Part><ETag>e</ETag><PartNumber>123456</PartNumber></Part>"
        b"</CompleteMultipartUpload>",
        b"<CompleteMultipartUpload><Part><ETag>a b</ETag><PartNumber>1</PartNumber></Part>"
        b"</CompleteMultipartUpload>",
    ]
    for body in more:
        assert plain_complete_parts(body) is None, body


ODD_BODIES = [
    b"<CompleteMultipartUpload/>",
    b"<CompleteMultipartUpload></CompleteMultipartUpload>",
    f"<CompleteMultipartUpload {NS}> \n </CompleteMultipartUpload>\n".encode(),
    b"<CompleteMultipartUpload><Part></Part><Part> </Part></CompleteMultipartUpload>",
    b"<CompleteMultipartUpload><Part><PartNumber> 1 </PartNumber><ETag></ETag></Part>"
    b"</CompleteMultipartUpload>",
    b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><PartNumber>2</PartNumber>"
    b"</Part></CompleteMultipartUpload>",
    b"<CompleteMultipartUpload><Part><ETag>&quot;x&quot;</ETag></Part></CompleteMultipartUpload>",
    b"<CompleteMultipartUpload><Part><ETag><![CDATA[x]]></ETag></Part></CompleteMultipartUpload>",
    b"<CompleteMultipartUpload><!-- c --><Part><PartNumber>1</PartNumber></Part>"
    b"</CompleteMultipartUpload>",
    b'<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload><Part><PartNumber>1'
    b"</PartNumber></Part></CompleteMultipartUpload>",
    b"<s3:CompleteMultipartUpload xmlns:s3='x'><s3:Part><s3:PartNumber>1</s3:PartNumber>"
    b"</s3:Part></s3:CompleteMultipartUpload>",
    b"<CompleteMultipartUpload><Part><PartNumber a='1'>1</PartNumber></Part>"
    b"</CompleteMultipartUpload>",
    b"<CompleteMultipartUpload><Other>1</Other><Part><PartNumber>1</PartNumber></Part>"
    b"</CompleteMultipartUpload>",
    b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part>",
    b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>x",
    b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>"
    b"<CompleteMultipartUpload/>",
    b"<Other><Part><PartNumber>1</PartNumber></Part></Other>",
    b"<CompleteMultipartUpload><Part><ETag>\xff</ETag></Part></CompleteMultipartUpload>",
    "<CompleteMultipartUpload><Part><ETag>\ufffe</ETag></Part></CompleteMultipartUpload>".encode(),
    b"<CompleteMultipartUpload><Part><ETag>a\x01b</ETag></Part></CompleteMultipartUpload>",
    b"<CompleteMultipartUpload><Part><ETag>a\rb</ETag></Part></CompleteMultipartUpload>",
    b"<CompleteMultipartUpload><Part><ETag>a]]>b</ETag></Part></CompleteMultipartUpload>",
    "<CompleteMultipartUpload><Part><ETag>\u00a0x\u00a0</ETag></Part></CompleteMultipartUpload>".encode(),
    b"<CompleteMultipartUpload><Part>text<PartNumber>1</PartNumber></Part>"
    b"</CompleteMultipartUpload>",
    b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part><x:Part xmlns:x='y'>"
    b"<PartNumber>2</PartNumber></x:Part></CompleteMultipartUpload>",
    b"\xef\xbb\xbf<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part>"
    b"</CompleteMultipartUpload>",
    b'<CompleteMultipartUpload xmlns="a&amp;b"><Part><PartNumber>1</PartNumber></Part>'
    b"</CompleteMultipartUpload>",
    b"<!DOCTYPE x [<!ENTITY e 'v'>]><CompleteMultipartUpload><Part><ETag>&e;</ETag></Part>"
    b"</CompleteMultipartUpload>",
    b"not xml at all",
    b"<CompleteMultipartUpload><Part><ETag>e</ETag><PartNumber>00000</PartNumber></Part>"
    b"</CompleteMultipartUpload>",
    b"<CompleteMultipartUpload><Part><PartNumber>+1</PartNumber><ETag>e</ETag></Part>"
    b"</CompleteMultipartUpload>",
    b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag></ETag></Part>"
    b"</CompleteMultipartUpload>  ",
    b"<CompleteMultipartUpload><Part><ETag>e</ETag><PartNumber>1</PartNumber></Part>"
    b"</CompleteMultipartUpload><x/>",
]


@pytest.mark.parametrize("body", ODD_BODIES)
def test_odd_bodies_get_the_answer_xmltodict_gives(
    body: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    _same(body, monkeypatch)
