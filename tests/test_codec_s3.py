"""The S3 wire codec, read back through botocore's own serializer and rest-xml parser.

Requests are built by ``botocore.serialize`` from real API parameters (so bodies and query
strings are what botocore sends); responses are parsed by ``botocore.parsers`` with the S3
operation models, the way a client would see them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urlencode

import botocore.parsers
import botocore.session
import pytest
import xmltodict
from botocore.awsrequest import HeadersDict
from botocore.serialize import create_serializer

from mockmpu.core.errors import ServiceError
from mockmpu.core.state import IdFactory, MpuState
from mockmpu.core.wire import HttpRequest, WireRequest, WireResponse
from mockmpu.dispatch import route
from mockmpu.s3 import semantics as _s3
from mockmpu.s3.codec import HANDLERS, NAMESPACE
from mockmpu.s3.request import decode_aws_chunked

T0 = datetime(2010, 11, 10, 20, 48, 33, 123456, tzinfo=timezone.utc)
MODEL = botocore.session.get_session().get_service_model("s3")
SERIALIZER = create_serializer("rest-xml", include_validation=False)
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
ENDPOINT = "https://s3.us-east-1.amazonaws.com"


class FixedIds(IdFactory):
    """Readable deterministic ids: U1, U2 ... for uploads, REQ1 ... for requests."""

    def __init__(self) -> None:
        super().__init__(0)
        self.n = {"upload": 0, "req": 0, "host": 0}

    def _next(self, kind: str) -> int:
        self.n[kind] += 1
        return self.n[kind]

    def s3_upload_id(self) -> str:
        return f"U{self._next('upload')}"

    def request_id(self) -> str:
        return f"REQ{self._next('req')}"

    def host_id(self) -> str:
        return f"HOST{self._next('host')}"


def new_state(*, fixed: bool = True) -> MpuState:
    state = MpuState(clock=T0)
    if fixed:
        state.ids = FixedIds()
    return state


def wire(
    op: str,
    params: Mapping[str, Any],
    *,
    query: Mapping[str, str] | None = None,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    region: str = "us-east-1",
) -> WireRequest:
    """Route the request botocore would send for ``op(**params)`` (path style)."""
    request = SERIALIZER.serialize_to_request(dict(params), MODEL.operation_model(op))
    url = ENDPOINT + request["url_path"]
    q = request["query_string"]
    extra = {**(q if isinstance(q, dict) else {}), **(query or {})}
    if extra:
        url += ("&" if "?" in url else "?") + urlencode(
            {k: str(v) for k, v in extra.items()}, quote_via=quote, safe="-._~"
        )
    sent = {k.lower(): str(v) for k, v in request["headers"].items()}
    sent.update(headers or {})
    raw = request["body"]
    routed = route(
        HttpRequest(
            request["method"],
            url,
            sent,
            body if body is not None else (raw if isinstance(raw, bytes) else raw.encode()),
        ),
        hint=("s3", op),
        region=region,
    )
    assert isinstance(routed, WireRequest)
    return routed


def parse(op: str, response: WireResponse) -> dict[str, Any]:
    parser = botocore.parsers.create_parser("rest-xml")
    parsed: dict[str, Any] = parser.parse(
        {
            "status_code": response.status,
            "headers": HeadersDict(response.headers),
            "body": response.body,
        },
        MODEL.operation_model(op).output_shape,
    )
    return parsed


def call(state: MpuState, op: str, params: Mapping[str, Any], **kw: Any) -> dict[str, Any]:
    response = HANDLERS[op](state, wire(op, params, **kw))
    if response.body:
        assert response.body.startswith(DECLARATION + b"<"), response.body[:60]
        assert response.headers["Content-Type"] == "application/xml"
    assert response.headers["x-amz-request-id"]
    assert response.headers["x-amz-id-2"]
    parsed = parse(op, response)
    parsed["_raw"] = response
    return parsed


def setup_upload(state: MpuState, key: str = "k") -> str:
    call(state, "CreateBucket", {"Bucket": "bkt"})
    return str(call(state, "CreateMultipartUpload", {"Bucket": "bkt", "Key": key})["UploadId"])


def children(body: bytes) -> list[str]:
    return [child.tag.split("}")[-1] for child in ET.fromstring(body)]


# ---------------------------------------------------------------------------------- buckets


def test_bucket_operations_round_trip() -> None:
    state = new_state()
    created = call(state, "CreateBucket", {"Bucket": "bkt"})
    assert created["Location"] == "/bkt"
    assert created["_raw"].headers["x-amz-bucket-arn"] == "arn:aws:s3:::bkt"
    if "BucketArn" in MODEL.operation_model("CreateBucket").output_shape.members:  # newer botocore
        assert created["BucketArn"] == "arn:aws:s3:::bkt"
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert created["_raw"].body == b""
    west = call(
        state,
        "CreateBucket",
        {"Bucket": "west", "CreateBucketConfiguration": {"LocationConstraint": "us-west-2"}},
        region="us-west-2",
    )
    assert west["Location"] == "http://west.s3.amazonaws.com/"
    head = call(state, "HeadBucket", {"Bucket": "west"})
    assert (head["BucketRegion"], head["AccessPointAlias"]) == ("us-west-2", False)
    deleted = call(state, "DeleteBucket", {"Bucket": "west"})
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert deleted["_raw"].body == b""


def test_head_missing_bucket_is_404_with_empty_body() -> None:
    # Recorded: test_create_bucket_head_bucket/head_bucket_not_exist -> {'Code': '404', ...}.
    parsed = call(new_state(), "HeadBucket", {"Bucket": "nope"})
    assert parsed["_raw"].body == b""
    assert parsed["_raw"].error.code == "NoSuchBucket"
    assert parsed["Error"] == {"Code": "404", "Message": "Not Found"}
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_create_bucket_errors() -> None:
    state = new_state()
    call(
        state,
        "CreateBucket",
        {"Bucket": "bkt", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-2"}},
        region="eu-west-2",
    )
    again = call(
        state,
        "CreateBucket",
        {"Bucket": "bkt", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-2"}},
        region="eu-west-2",
    )
    assert again["Error"]["Code"] == "BucketAlreadyOwnedByYou"
    assert again["Error"]["BucketName"] == "bkt"
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 409
    illegal = call(state, "CreateBucket", {"Bucket": "other"}, region="eu-west-2")
    assert illegal["Error"]["Code"] == "IllegalLocationConstraintException"
    bad = call(state, "CreateBucket", {"Bucket": "other"}, body=b"<not-xml")
    assert bad["Error"]["Code"] == "MalformedXML"


# ------------------------------------------------------------------------------ the XML shapes


def test_list_multipart_uploads_exact_bytes() -> None:
    # Trap 4 element order; the measured order of backlot and the raw AWS capture in
    # versity/versitygw issue #2156. Initiated keeps whole seconds as .000Z.
    state = new_state()
    setup_upload(state, "photos/a.jpg")
    call(state, "CreateMultipartUpload", {"Bucket": "bkt", "Key": "sample.jpg"})
    response = HANDLERS["ListMultipartUploads"](
        state, wire("ListMultipartUploads", {"Bucket": "bkt", "Delimiter": "/"})
    )
    owner = _s3.owner(state).id
    assert len(owner) == 64 and int(owner, 16) >= 0
    expected = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ListMultipartUploadsResult xmlns="{NAMESPACE}">'
        "<Bucket>bkt</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>"
        "<NextKeyMarker>sample.jpg</NextKeyMarker><NextUploadIdMarker>U2</NextUploadIdMarker>"
        "<Delimiter>/</Delimiter><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>"
        "<Upload><Key>sample.jpg</Key><UploadId>U2</UploadId>"
        f"<Initiator><ID>{owner}</ID><DisplayName>mockmpu</DisplayName></Initiator>"
        f"<Owner><ID>{owner}</ID></Owner><StorageClass>STANDARD</StorageClass>"
        "<Initiated>2010-11-10T20:48:33.000Z</Initiated></Upload>"
        "<CommonPrefixes><Prefix>photos/</Prefix></CommonPrefixes>"
        "</ListMultipartUploadsResult>"
    )
    assert response.body.decode() == expected
    assert response.headers["x-amz-request-id"] == "REQ4"


def test_error_exact_bytes() -> None:
    # §4: the real AWS capture of versity/versitygw issue #2035, with our ids.
    state = new_state()
    call(state, "CreateBucket", {"Bucket": "bkt"})
    response = HANDLERS["AbortMultipartUpload"](
        state, wire("AbortMultipartUpload", {"Bucket": "bkt", "Key": "k", "UploadId": "GdQj"})
    )
    assert response.status == 404
    assert response.body == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b"<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist. The "
        b"upload ID may be invalid, or the upload may have been aborted or completed.</Message>"
        b"<UploadId>GdQj</UploadId><RequestId>REQ2</RequestId><HostId>HOST2</HostId></Error>"
    )
    assert (response.headers["x-amz-request-id"], response.headers["x-amz-id-2"]) == (
        "REQ2",
        "HOST2",
    )
    assert isinstance(response.error, ServiceError)


def test_list_uploads_element_order_with_every_optional_element() -> None:
    state = new_state()
    setup_upload(state, "a/b")
    response = HANDLERS["ListMultipartUploads"](
        state,
        wire(
            "ListMultipartUploads",
            {"Bucket": "bkt", "Prefix": "a", "Delimiter": "x", "KeyMarker": "0"},
            query={"encoding-type": "url"},
        ),
    )
    assert children(response.body) == [
        "Bucket",
        "KeyMarker",
        "UploadIdMarker",
        "NextKeyMarker",
        "NextUploadIdMarker",
        "Delimiter",
        "Prefix",
        "MaxUploads",
        "EncodingType",
        "IsTruncated",
        "Upload",
    ]
    upload = ET.fromstring(response.body).find(f"{{{NAMESPACE}}}Upload")
    assert upload is not None
    assert [c.tag.split("}")[-1] for c in upload] == [
        "Key",
        "UploadId",
        "Initiator",
        "Owner",
        "StorageClass",
        "Initiated",
    ]


def test_prefix_listing_matches_the_raw_aws_shape() -> None:
    # Recorded: test_list_multiparts_with_prefix_and_delimiter/list-multiparts-no-encoding is
    # AWS's raw XML read with xmltodict: empty markers are present and empty (None), Prefix is
    # present, Delimiter and EncodingType are absent.
    state = new_state()
    setup_upload(state, "test/foo/bar/123")
    for key in ["test/foo/bar/456", "test/bar/foo/123"]:
        call(state, "CreateMultipartUpload", {"Bucket": "bkt", "Key": key})
    response = HANDLERS["ListMultipartUploads"](
        state, wire("ListMultipartUploads", {"Bucket": "bkt", "Prefix": "test/foo"})
    )
    doc = xmltodict.parse(response.body)["ListMultipartUploadsResult"]
    doc.pop("@xmlns")
    assert sorted(doc) == [
        "Bucket",
        "IsTruncated",
        "KeyMarker",
        "MaxUploads",
        "NextKeyMarker",
        "NextUploadIdMarker",
        "Prefix",
        "Upload",
        "UploadIdMarker",
    ]
    assert (doc["KeyMarker"], doc["UploadIdMarker"], doc["IsTruncated"]) == (None, None, "false")
    assert [u["Key"] for u in doc["Upload"]] == ["test/foo/bar/123", "test/foo/bar/456"]
    assert doc["NextKeyMarker"] == "test/foo/bar/456"
    assert sorted(doc["Upload"][0]) == [
        "Initiated",
        "Initiator",
        "Key",
        "Owner",
        "StorageClass",
        "UploadId",
    ]
    assert sorted(doc["Upload"][0]["Initiator"]) == ["DisplayName", "ID"]
    assert sorted(doc["Upload"][0]["Owner"]) == ["ID"]


def test_list_uploads_types_round_trip() -> None:
    state = new_state()
    setup_upload(state, "k1")
    call(state, "CreateMultipartUpload", {"Bucket": "bkt", "Key": "k2"})
    page = call(state, "ListMultipartUploads", {"Bucket": "bkt", "MaxUploads": 1})
    assert page["MaxUploads"] == 1 and page["IsTruncated"] is True
    assert page["Uploads"][0]["Initiated"] == T0.replace(microsecond=0)
    assert (page["NextKeyMarker"], page["NextUploadIdMarker"]) == ("k1", "U1")
    assert (page["KeyMarker"], page["UploadIdMarker"]) == ("", "")
    assert "Prefix" not in page and "Delimiter" not in page and "EncodingType" not in page
    rest = call(
        state,
        "ListMultipartUploads",
        {"Bucket": "bkt", "KeyMarker": "k1", "UploadIdMarker": "U1"},
    )
    assert [u["Key"] for u in rest["Uploads"]] == ["k2"]
    assert rest["IsTruncated"] is False and rest["UploadIdMarker"] == "U1"
    only_id = call(state, "ListMultipartUploads", {"Bucket": "bkt", "UploadIdMarker": "U1"})
    assert only_id["UploadIdMarker"] == "" and len(only_id["Uploads"]) == 2


def test_url_encoding_applies_to_keys_not_upload_ids() -> None:
    # §1.7: botocore does not decode ListMultipartUploads, so the caller sees encoded text.
    state = new_state()
    setup_upload(state, "a b+c/(1)")
    page = call(
        state,
        "ListMultipartUploads",
        {
            "Bucket": "bkt",
            "EncodingType": "url",
            "Prefix": "a ",
            "Delimiter": "+",
            "KeyMarker": "a",
        },
    )
    assert page["EncodingType"] == "url"
    assert (page["Prefix"], page["Delimiter"], page["KeyMarker"]) == ("a+", "%2B", "a")
    assert page["CommonPrefixes"] == [{"Prefix": "a+b%2B"}]
    page = call(state, "ListMultipartUploads", {"Bucket": "bkt"}, query={"encoding-type": "URL"})
    assert page["EncodingType"] == "URL"
    assert page["Uploads"][0]["Key"] == "a+b%2Bc/%281%29"
    assert page["NextKeyMarker"] == "a+b%2Bc/%281%29"
    assert page["NextUploadIdMarker"] == "U1"


def test_list_parts_round_trip() -> None:
    state = new_state()
    uid = setup_upload(state)
    for n in (3, 1):
        call(
            state,
            "UploadPart",
            {"Bucket": "bkt", "Key": "k", "UploadId": uid, "PartNumber": n, "Body": b"data"},
        )
    page = call(state, "ListParts", {"Bucket": "bkt", "Key": "k", "UploadId": uid, "MaxParts": 1})
    response = page.pop("_raw")
    assert children(response.body) == [
        "Bucket",
        "Key",
        "UploadId",
        "Initiator",
        "Owner",
        "StorageClass",
        "PartNumberMarker",
        "NextPartNumberMarker",
        "MaxParts",
        "IsTruncated",
        "Part",
    ]
    assert page["Parts"] == [
        {
            "PartNumber": 1,
            "LastModified": T0.replace(microsecond=0),
            "ETag": '"8d777f385d3dfec8815d20f7496026dc"',
            "Size": 4,
        }
    ]
    assert (page["PartNumberMarker"], page["NextPartNumberMarker"]) == (0, 1)
    assert (page["MaxParts"], page["IsTruncated"], page["StorageClass"]) == (1, True, "STANDARD")
    assert set(page["Initiator"]) == {"ID", "DisplayName"} and set(page["Owner"]) == {"ID"}
    nxt = call(
        state, "ListParts", {"Bucket": "bkt", "Key": "k", "UploadId": uid, "PartNumberMarker": 1}
    )
    assert [p["PartNumber"] for p in nxt["Parts"]] == [3]
    assert (nxt["NextPartNumberMarker"], nxt["IsTruncated"]) == (3, False)


def test_checksum_upload_round_trip() -> None:
    # Recorded shapes: TestS3MultipartUploadChecksum (create-mpu-composite-checksum, list-parts,
    # list-multiparts, complete-multipart-checksum).
    state = new_state()
    call(state, "CreateBucket", {"Bucket": "bkt"})
    created = call(
        state, "CreateMultipartUpload", {"Bucket": "bkt", "Key": "k", "ChecksumAlgorithm": "CRC32"}
    )
    assert (created["ChecksumAlgorithm"], created["ChecksumType"]) == ("CRC32", "COMPOSITE")
    assert created["ServerSideEncryption"] == "AES256"
    uid = created["UploadId"]
    part = call(
        state,
        "UploadPart",
        {"Bucket": "bkt", "Key": "k", "UploadId": uid, "PartNumber": 1, "Body": b"hello"},
        headers={"x-amz-checksum-crc32": "NhCmhg=="},
    )
    assert part["ChecksumCRC32"] == "NhCmhg=="
    listed = call(state, "ListMultipartUploads", {"Bucket": "bkt"})
    assert (listed["Uploads"][0]["ChecksumAlgorithm"], listed["Uploads"][0]["ChecksumType"]) == (
        "CRC32",
        "COMPOSITE",
    )
    parts = call(state, "ListParts", {"Bucket": "bkt", "Key": "k", "UploadId": uid})
    assert parts["Parts"][0]["ChecksumCRC32"] == "NhCmhg=="
    assert (parts["ChecksumAlgorithm"], parts["ChecksumType"]) == ("CRC32", "COMPOSITE")
    done = call(
        state,
        "CompleteMultipartUpload",
        {
            "Bucket": "bkt",
            "Key": "k",
            "UploadId": uid,
            "MultipartUpload": {
                "Parts": [{"ChecksumCRC32": "NhCmhg==", "ETag": part["ETag"], "PartNumber": 1}]
            },
        },
    )
    assert done["ChecksumType"] == "COMPOSITE"
    assert done["ChecksumCRC32"].endswith("-1")


def test_create_upload_part_complete_abort_round_trip() -> None:
    state = new_state()
    call(state, "CreateBucket", {"Bucket": "bkt"})
    key = "dir/ü x+%.bin"
    created = call(
        state,
        "CreateMultipartUpload",
        {"Bucket": "bkt", "Key": key, "Metadata": {"a": "1"}, "ContentType": "text/plain"},
    )
    assert (created["Bucket"], created["Key"], created["UploadId"]) == ("bkt", key, "U1")
    upload = state.buckets["bkt"].uploads["U1"]
    assert (upload.metadata, upload.content_type) == ({"a": "1"}, "text/plain")
    part = call(
        state,
        "UploadPart",
        {"Bucket": "bkt", "Key": key, "UploadId": "U1", "PartNumber": 1, "Body": b"hello"},
    )
    assert part["ETag"] == '"5d41402abc4b2a76b9719d911017c592"'
    assert part["_raw"].body == b""
    done = call(
        state,
        "CompleteMultipartUpload",
        {
            "Bucket": "bkt",
            "Key": key,
            "UploadId": "U1",
            "MultipartUpload": {"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
        },
    )
    assert done["ETag"] == '"62109206880d38a4010a98e11243924a-1"'
    assert done["Location"] == f"{ENDPOINT}/bkt/dir/%C3%BC%20x%2B%25.bin"
    assert (done["Bucket"], done["Key"], done["ServerSideEncryption"]) == ("bkt", key, "AES256")
    second = call(state, "CreateMultipartUpload", {"Bucket": "bkt", "Key": "other"})
    aborted = call(
        state,
        "AbortMultipartUpload",
        {"Bucket": "bkt", "Key": "other", "UploadId": second["UploadId"]},
    )
    assert aborted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert aborted["_raw"].body == b""


# ------------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("op", "params", "query", "code", "status", "extra"),
    [
        (
            "ListMultipartUploads",
            {"Bucket": "nope"},
            None,
            "NoSuchBucket",
            404,
            {"BucketName": "nope"},
        ),
        (
            "ListMultipartUploads",
            {"Bucket": "bkt"},
            {"max-uploads": "abc"},
            "InvalidArgument",
            400,
            {"ArgumentName": "max-uploads", "ArgumentValue": "abc"},
        ),
        (
            "ListMultipartUploads",
            {"Bucket": "bkt"},
            {"max-uploads": "-1"},
            "InvalidArgument",
            400,
            {"ArgumentName": "max-uploads", "ArgumentValue": "-1"},
        ),
        # Recorded (empty value): ArgumentValue present and empty, which botocore reads as None.
        (
            "ListMultipartUploads",
            {"Bucket": "bkt"},
            {"encoding-type": ""},
            "InvalidArgument",
            400,
            {"ArgumentName": "encoding-type", "ArgumentValue": None},
        ),
        (
            "ListMultipartUploads",
            {"Bucket": "bkt", "KeyMarker": "k", "UploadIdMarker": "zz"},
            None,
            "InvalidArgument",
            400,
            {"ArgumentName": "upload-id-marker", "ArgumentValue": "zz"},
        ),
        (
            "ListParts",
            {"Bucket": "bkt", "Key": "k", "UploadId": "U1"},
            {"part-number-marker": "x"},
            "InvalidArgument",
            400,
            {"ArgumentName": "part-number-marker", "ArgumentValue": "x"},
        ),
        (
            "ListParts",
            {"Bucket": "bkt", "Key": "other", "UploadId": "U1"},
            None,
            "NoSuchUpload",
            404,
            {"UploadId": "U1"},
        ),
        (
            "UploadPart",
            {"Bucket": "bkt", "Key": "k", "UploadId": "U1", "PartNumber": 0, "Body": b""},
            None,
            "InvalidArgument",
            400,
            {"ArgumentName": "partNumber", "ArgumentValue": "0"},
        ),
        (  # no body and no part uploaded: MalformedXML (ceph s3-tests test_multipart_upload_empty)
            "CompleteMultipartUpload",
            {"Bucket": "bkt", "Key": "k", "UploadId": "U1"},
            None,
            "MalformedXML",
            400,
            {},
        ),
        (
            "CompleteMultipartUpload",
            {
                "Bucket": "bkt",
                "Key": "k",
                "UploadId": "U1",
                "MultipartUpload": {"Parts": [{"PartNumber": 2, "ETag": '"abc"'}]},
            },
            None,
            "InvalidPart",
            400,
            {"ETag": "abc", "PartNumber": "2", "UploadId": "U1"},
        ),
        (
            "CompleteMultipartUpload",
            {
                "Bucket": "bkt",
                "Key": "k",
                "UploadId": "U1",
                "MultipartUpload": {
                    "Parts": [{"PartNumber": 2, "ETag": "a"}, {"PartNumber": 1, "ETag": "b"}]
                },
            },
            None,
            "InvalidPartOrder",
            400,
            {"UploadId": "U1"},
        ),
        (
            "CompleteMultipartUpload",
            {"Bucket": "bkt", "Key": "k", "UploadId": "U1", "MultipartUpload": {"Parts": []}},
            None,
            "MalformedXML",
            400,
            {},
        ),
        ("DeleteBucket", {"Bucket": "nope"}, None, "NoSuchBucket", 404, {"BucketName": "nope"}),
        (
            "CreateMultipartUpload",
            {"Bucket": "bkt", "Key": "k", "ChecksumType": "COMPOSITE"},
            None,
            "InvalidRequest",
            400,
            {},
        ),
    ],
)
def test_errors_round_trip(
    op: str,
    params: dict[str, Any],
    query: dict[str, str] | None,
    code: str,
    status: int,
    extra: dict[str, Any],
) -> None:
    state = new_state()
    setup_upload(state)
    parsed = call(state, op, params, query=query)
    response: WireResponse = parsed["_raw"]
    assert response.status == status
    assert response.error is not None and response.error.code == code
    error = dict(parsed["Error"])
    assert error.pop("Code") == code
    assert error.pop("Message") == response.error.message
    assert error == extra
    meta = parsed["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == status
    assert meta["RequestId"] == response.headers["x-amz-request-id"]
    assert meta["HostId"] == response.headers["x-amz-id-2"]
    root = ET.fromstring(response.body)
    assert root.tag == "Error"  # no namespace
    tags = [c.tag for c in root]
    assert tags[:2] == ["Code", "Message"] and tags[-2:] == ["RequestId", "HostId"]


def test_every_handler_answers_errors_instead_of_raising() -> None:
    state = new_state()
    for op, handler in HANDLERS.items():
        bucket = "Not_Valid" if op == "CreateBucket" else "missing"
        params = {"Bucket": bucket, "Key": "k", "UploadId": "u", "PartNumber": 1}
        request = WireRequest(
            "s3",
            op,
            params,
            "GET",
            f"{ENDPOINT}/{bucket}/k",
            {"uploadId": "u", "partNumber": "1"},
            {},
            b"",
            "us-east-1",
        )
        response = handler(state, request)
        assert response.error is not None, op
        expected = "InvalidBucketName" if op == "CreateBucket" else "NoSuchBucket"
        assert response.error.code == expected, op
    assert state.buckets == {}


# -------------------------------------------------------------------------- request parsing


def test_aws_chunked_body_with_trailer_checksum() -> None:
    # §3.2 [checked]: what botocore sends over https.
    state = new_state()
    uid = setup_upload(state)
    body = b"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"
    headers = {
        "content-encoding": "aws-chunked",
        "x-amz-trailer": "x-amz-checksum-crc32",
        "x-amz-decoded-content-length": "5",
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "x-amz-sdk-checksum-algorithm": "CRC32",
    }
    part = call(
        state,
        "UploadPart",
        {"Bucket": "bkt", "Key": "k", "UploadId": uid, "PartNumber": 1, "Body": b""},
        body=body,
        headers=headers,
    )
    assert part["ETag"] == '"5d41402abc4b2a76b9719d911017c592"'  # md5(b"hello"), not of the frame
    assert part["ChecksumCRC32"] == "NhCmhg=="
    stored = state.buckets["bkt"].uploads[uid].parts[1]
    assert (stored.size, stored.checksums) == (5, {"CRC32": "NhCmhg=="})


def test_decode_aws_chunked_frames() -> None:
    body = (
        b"3;chunk-signature=ab\r\nhel\r\n2\r\nlo\r\n0;chunk-signature=cd\r\n"
        b"x-amz-checksum-sha256:Zm9v\r\nx-amz-trailer-signature:ff\r\n\r\n"
    )
    payload, trailers = decode_aws_chunked(body)
    assert payload == b"hello"
    assert trailers == {"x-amz-checksum-sha256": "Zm9v", "x-amz-trailer-signature": "ff"}
    assert decode_aws_chunked(b"0\r\n\r\n") == (b"", {})
    for broken in [b"", b"5\r\nhel", b"zz\r\nhello\r\n0\r\n\r\n", b"5\r\nhelloXX0\r\n\r\n"]:
        with pytest.raises(ServiceError) as info:
            decode_aws_chunked(broken)
        assert (info.value.code, info.value.status) == ("IncompleteBody", 400)


def test_raw_http_body_with_checksum_header() -> None:
    state = new_state()
    uid = setup_upload(state)
    part = call(
        state,
        "UploadPart",
        {"Bucket": "bkt", "Key": "k", "UploadId": uid, "PartNumber": 2, "Body": b"hello"},
        headers={"x-amz-checksum-crc32": "NhCmhg==", "x-amz-sdk-checksum-algorithm": "CRC32"},
    )
    assert (part["ETag"], part["ChecksumCRC32"]) == (
        '"5d41402abc4b2a76b9719d911017c592"',
        "NhCmhg==",
    )


@pytest.mark.parametrize(
    "body",
    [
        # child order as the caller's dict gives it, and no namespace
        b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
        b"<ETag>&quot;{etag}&quot;</ETag></Part></CompleteMultipartUpload>",
        b'<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\n  <Part>\n'
        b"    <ETag>{etag}</ETag>\n    <PartNumber> 1 </PartNumber>\n  </Part>\n"
        b"</CompleteMultipartUpload>",
    ],
)
def test_complete_body_parsing_is_tolerant(body: bytes) -> None:
    state = new_state()
    uid = setup_upload(state)
    etag = call(
        state,
        "UploadPart",
        {"Bucket": "bkt", "Key": "k", "UploadId": uid, "PartNumber": 1, "Body": b"x"},
    )["ETag"].strip('"')
    done = call(
        state,
        "CompleteMultipartUpload",
        {"Bucket": "bkt", "Key": "k", "UploadId": uid},
        body=body.replace(b"{etag}", etag.encode()),
    )
    assert done["ETag"].endswith('-1"'), done


@pytest.mark.parametrize(
    "body",
    [
        b"<CompleteMultipartUpload",
        b'<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/" />',
        b"<Other><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></Other>",
        b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>",
        b"<CompleteMultipartUpload><Part><ETag>x</ETag><PartNumber>one</PartNumber></Part></CompleteMultipartUpload>",
    ],
)
def test_complete_malformed_bodies(body: bytes) -> None:
    state = new_state()
    uid = setup_upload(state)
    parsed = call(
        state, "CompleteMultipartUpload", {"Bucket": "bkt", "Key": "k", "UploadId": uid}, body=body
    )
    assert parsed["Error"]["Code"] == "MalformedXML"
    assert parsed["Error"]["Message"] == (
        "The XML you provided was not well-formed or did not validate against our published schema"
    )


def test_complete_without_body_checks_the_upload_first() -> None:
    # Recorded: test_multipart_no_such_upload/complete-exc (no body, unknown id -> NoSuchUpload).
    state = new_state()
    setup_upload(state)
    parsed = call(
        state, "CompleteMultipartUpload", {"Bucket": "bkt", "Key": "k", "UploadId": "fakeid"}
    )
    assert parsed["Error"] == {
        "Code": "NoSuchUpload",
        "Message": "The specified upload does not exist. The upload ID may be invalid, or the "
        "upload may have been aborted or completed.",
        "UploadId": "fakeid",
    }


def test_date_header_and_fresh_request_ids() -> None:
    state = new_state(fixed=False)
    first = call(state, "CreateBucket", {"Bucket": "bkt"})["_raw"]
    second = call(state, "HeadBucket", {"Bucket": "bkt"})["_raw"]
    assert first.headers["Date"] == "Wed, 10 Nov 2010 20:48:33 GMT"
    assert first.headers["x-amz-request-id"] != second.headers["x-amz-request-id"]
    assert len(first.headers["x-amz-request-id"]) == 16


def test_complete_reads_checksum_headers() -> None:
    # ChecksumType, Checksum<alg> and MpuObjectSize travel as x-amz-* headers.
    state = new_state()
    call(state, "CreateBucket", {"Bucket": "bkt"})
    created = call(
        state,
        "CreateMultipartUpload",
        {"Bucket": "bkt", "Key": "k", "ChecksumAlgorithm": "CRC32C", "ChecksumType": "FULL_OBJECT"},
    )
    assert created["ChecksumType"] == "FULL_OBJECT"
    uid = created["UploadId"]
    part = call(
        state,
        "UploadPart",
        {"Bucket": "bkt", "Key": "k", "UploadId": uid, "PartNumber": 1, "Body": b"abc"},
        headers={"x-amz-checksum-crc32c": "Nks/tw=="},
    )
    parts = {"Parts": [{"ETag": part["ETag"], "PartNumber": 1, "ChecksumCRC32C": "Nks/tw=="}]}
    base = {"Bucket": "bkt", "Key": "k", "UploadId": uid, "MultipartUpload": parts}
    wrong = call(state, "CompleteMultipartUpload", {**base, "ChecksumCRC32C": "Nks/tw=="})
    assert wrong["Error"]["Code"] == "BadDigest"
    size = call(state, "CompleteMultipartUpload", {**base, "MpuObjectSize": 9})
    assert size["Error"]["Message"].endswith("header value 9 does not match what was computed: 3")
    done = call(
        state,
        "CompleteMultipartUpload",
        {**base, "ChecksumCRC32C": "Nks/tw==", "ChecksumType": "FULL_OBJECT", "MpuObjectSize": 3},
    )
    assert (done["ChecksumCRC32C"], done["ChecksumType"]) == ("Nks/tw==", "FULL_OBJECT")


def test_carriage_return_in_a_key_survives_the_xml() -> None:
    # XML parsers turn a raw CR into LF; S3 sends it as &#13;.
    state = new_state()
    uid = setup_upload(state, "line1\r\nline2\r")
    page = call(state, "ListMultipartUploads", {"Bucket": "bkt"})
    assert page["Uploads"][0]["Key"] == "line1\r\nline2\r"
    assert b"line1&#13;\nline2&#13;</Key>" in page["_raw"].body
    parts = call(state, "ListParts", {"Bucket": "bkt", "Key": "line1\r\nline2\r", "UploadId": uid})
    assert parts["Key"] == "line1\r\nline2\r"
