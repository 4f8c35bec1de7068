"""The Glacier codec round-trips through botocore's real serializer and rest-json parser."""

from __future__ import annotations

import io
import json
import os
import re
from typing import Any
from urllib.parse import urlencode

import botocore.handlers
import botocore.parsers
import botocore.serialize
import botocore.session
import pytest
from botocore.awsrequest import HeadersDict
from botocore.utils import calculate_tree_hash

from mockmpu.core.state import MpuState
from mockmpu.core.wire import HttpRequest, WireRequest, WireResponse
from mockmpu.dispatch import route
from mockmpu.glacier import semantics as g
from mockmpu.glacier.codec import HANDLERS, iso_date, render_marker
from mockmpu.glacier.view import GlacierView

MIB = 1024 * 1024
ACCOUNT = "123456789012"
MODEL = botocore.session.get_session().get_service_model("glacier")
SERIALIZER = botocore.serialize.create_serializer("rest-json", include_validation=True)
PARSER = botocore.parsers.create_parser("rest-json")
REQUEST_ID = re.compile(r"AAAB[A-Za-z0-9_-]{43}")


def send(
    state: MpuState, operation: str, region: str = "us-east-1", **params: Any
) -> tuple[WireResponse, dict[str, Any]]:
    """Serialize like botocore, answer with the codec, parse like botocore."""
    params = {"accountId": "-", **params}
    op = MODEL.operation_model(operation)
    request = SERIALIZER.serialize_to_request(params, op)
    if operation == "UploadMultipartPart":
        botocore.handlers.add_glacier_checksums(request)
    query = request["query_string"]
    url = f"https://glacier.{region}.amazonaws.com{request['url_path']}"
    if query:
        url += "?" + urlencode(query)
    body = request["body"]
    wire = route(
        HttpRequest(
            request["method"],
            url,
            {k.lower(): str(v) for k, v in request["headers"].items()},
            body if isinstance(body, bytes) else body.encode("utf-8"),
        ),
        hint=("glacier", operation),
        region=region,
    )
    assert isinstance(wire, WireRequest)
    reply = HANDLERS[operation](state, wire)
    parsed = PARSER.parse(
        {"status_code": reply.status, "headers": HeadersDict(reply.headers), "body": reply.body},
        op.output_shape,
    )
    return reply, parsed


def raw(reply: WireResponse) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(reply.body)
    return document


@pytest.fixture
def state() -> MpuState:
    state = MpuState()
    GlacierView(state).create_vault("v")
    return state


def test_handlers_cover_the_ten_operations_of_the_model() -> None:
    assert sorted(HANDLERS) == sorted(
        [
            "AbortMultipartUpload",
            "CompleteMultipartUpload",
            "CreateVault",
            "DeleteVault",
            "DescribeVault",
            "InitiateMultipartUpload",
            "ListMultipartUploads",
            "ListParts",
            "ListVaults",
            "UploadMultipartPart",
        ]
    )
    for name in HANDLERS:
        MODEL.operation_model(name)  # raises if botocore does not know it


def test_create_vault(state: MpuState) -> None:
    reply, parsed = send(state, "CreateVault", vaultName="new")
    assert reply.status == 201
    assert parsed["location"] == f"/{ACCOUNT}/vaults/new"
    assert reply.body == b""
    assert REQUEST_ID.fullmatch(reply.headers["x-amzn-RequestId"])
    assert parsed["ResponseMetadata"]["RequestId"] == reply.headers["x-amzn-RequestId"]
    assert reply.headers["Date"].endswith(" GMT")


def test_describe_vault(state: MpuState) -> None:
    reply, parsed = send(state, "DescribeVault", vaultName="v")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.headers["Content-Length"] == str(len(reply.body))
    assert list(raw(reply)) == [
        "CreationDate",
        "LastInventoryDate",
        "NumberOfArchives",
        "SizeInBytes",
        "VaultARN",
        "VaultName",
    ]
    assert raw(reply)["LastInventoryDate"] is None
    assert b'"LastInventoryDate":null' in reply.body
    assert "LastInventoryDate" not in parsed  # botocore drops JSON null members
    assert parsed["VaultARN"] == f"arn:aws:glacier:us-east-1:{ACCOUNT}:vaults/v"
    assert (parsed["NumberOfArchives"], parsed["SizeInBytes"]) == (0, 0)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", parsed["CreationDate"])


def test_list_vaults_pages_with_arn_markers(state: MpuState) -> None:
    for name in ["b", "c", "a"]:
        send(state, "CreateVault", vaultName=name)
    reply, parsed = send(state, "ListVaults", limit="2")
    assert list(raw(reply)) == ["Marker", "VaultList"]
    assert [v["VaultName"] for v in parsed["VaultList"]] == ["a", "b"]
    assert parsed["Marker"] == f"arn:aws:glacier:us-east-1:{ACCOUNT}:vaults/c"
    reply, parsed = send(state, "ListVaults", limit="2", marker=parsed["Marker"])
    assert [v["VaultName"] for v in parsed["VaultList"]] == ["c", "v"]
    assert b'"Marker":null' in reply.body
    assert "Marker" not in parsed


def test_delete_vault(state: MpuState) -> None:
    reply, parsed = send(state, "DeleteVault", vaultName="v")
    assert (reply.status, reply.body) == (204, b"")
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_multipart_lifecycle(state: MpuState) -> None:
    reply, parsed = send(
        state, "InitiateMultipartUpload", vaultName="v", partSize=str(MIB), archiveDescription="d"
    )
    assert (reply.status, reply.body) == (201, b"")
    upload_id = parsed["uploadId"]
    assert parsed["location"] == f"/{ACCOUNT}/vaults/v/multipart-uploads/{upload_id}"
    assert reply.headers["x-amz-multipart-upload-id"] == upload_id

    data = os.urandom(MIB + 100)
    for start in (0, MIB):
        body = data[start : start + MIB]
        reply, parsed = send(
            state,
            "UploadMultipartPart",
            vaultName="v",
            uploadId=upload_id,
            range=f"bytes {start}-{start + len(body) - 1}/*",
            body=body,
        )
        assert (reply.status, reply.body) == (204, b"")
        assert parsed["checksum"] == calculate_tree_hash(io.BytesIO(body))

    reply, parsed = send(state, "ListParts", vaultName="v", uploadId=upload_id)
    document = raw(reply)
    assert list(document) == [
        "ArchiveDescription",
        "CreationDate",
        "Marker",
        "MultipartUploadId",
        "PartSizeInBytes",
        "Parts",
        "VaultARN",
    ]
    assert document["Parts"] == [
        {
            "RangeInBytes": "0-1048575",
            "SHA256TreeHash": calculate_tree_hash(io.BytesIO(data[:MIB])),
        },
        {
            "RangeInBytes": f"{MIB}-{MIB + 99}",
            "SHA256TreeHash": calculate_tree_hash(io.BytesIO(data[MIB:])),
        },
    ]
    assert (parsed["ArchiveDescription"], parsed["PartSizeInBytes"]) == ("d", MIB)
    assert "Marker" not in parsed

    whole = calculate_tree_hash(io.BytesIO(data))
    reply, parsed = send(
        state,
        "CompleteMultipartUpload",
        vaultName="v",
        uploadId=upload_id,
        archiveSize=str(len(data)),
        checksum=whole,
    )
    assert (reply.status, reply.body) == (201, b"")
    assert parsed["checksum"] == whole
    assert parsed["location"] == f"/{ACCOUNT}/vaults/v/archives/{parsed['archiveId']}"
    assert GlacierView(state).archives("v")[0].archive_id == parsed["archiveId"]


def test_abort(state: MpuState) -> None:
    upload = GlacierView(state).initiate_multipart_upload("v")
    reply, parsed = send(state, "AbortMultipartUpload", vaultName="v", uploadId=upload.upload_id)
    assert (reply.status, reply.body) == (204, b"")
    _, parsed = send(state, "ListMultipartUploads", vaultName="v")
    assert parsed["UploadsList"] == []


def test_list_multipart_uploads_shapes(state: MpuState) -> None:
    view = GlacierView(state)
    plain = view.initiate_multipart_upload("v")
    described = view.initiate_multipart_upload("v", description="archive 1", part_size=4 * MIB)
    reply, parsed = send(state, "ListMultipartUploads", vaultName="v")
    assert reply.body.startswith(b'{"Marker":null,"UploadsList":[{"ArchiveDescription":null,')
    assert b", " not in reply.body and b": " not in reply.body  # compact JSON
    first, second = parsed["UploadsList"]
    assert "ArchiveDescription" not in first  # null, dropped by botocore
    assert first["MultipartUploadId"] == plain.upload_id
    assert second == {
        "ArchiveDescription": "archive 1",
        "CreationDate": iso_date(described.created),
        "MultipartUploadId": described.upload_id,
        "PartSizeInBytes": 4 * MIB,
        "VaultARN": f"arn:aws:glacier:us-east-1:{ACCOUNT}:vaults/v",
    }
    reply, parsed = send(state, "ListMultipartUploads", vaultName="v", limit="1")
    assert parsed["Marker"] and len(parsed["UploadsList"]) == 1
    reply, parsed = send(state, "ListMultipartUploads", vaultName="v", marker=parsed["Marker"])
    assert [u["MultipartUploadId"] for u in parsed["UploadsList"]] == [described.upload_id]
    assert b'"Marker":null' in reply.body and "Marker" not in parsed


def test_iso_date_has_real_milliseconds() -> None:
    from datetime import datetime, timezone

    when = datetime(2012, 3, 20, 17, 3, 43, 221999, tzinfo=timezone.utc)
    assert iso_date(when) == "2012-03-20T17:03:43.221Z"


@pytest.mark.parametrize(
    ("style", "expected"),
    [("null", {"Marker": None}), ("absent", {}), ("string-null", {"Marker": "null"}),
     ("string-None", {"Marker": "None"})],
)  # fmt: skip
def test_render_marker_styles(style: g.EndMarker, expected: dict[str, Any]) -> None:
    behaviour = g.ListingBehaviour(end_marker=style)
    assert render_marker(None, behaviour) == expected
    assert render_marker("M", behaviour) == {"Marker": "M"}


@pytest.mark.parametrize("operation", ["ListMultipartUploads", "ListParts", "ListVaults"])
@pytest.mark.parametrize(
    ("style", "raw_marker"), [("absent", None), ("string-null", "null"), ("string-None", "None")]
)
def test_end_marker_style_applies_to_every_listing(
    state: MpuState, operation: str, style: g.EndMarker, raw_marker: str | None
) -> None:
    upload = GlacierView(state).initiate_multipart_upload("v")
    g.set_listing_behaviour(state, g.ListingBehaviour(end_marker=style))
    params = {"ListVaults": {}, "ListMultipartUploads": {"vaultName": "v"}}.get(
        operation, {"vaultName": "v", "uploadId": upload.upload_id}
    )
    reply, parsed = send(state, operation, **params)
    assert raw(reply).get("Marker", "<absent>") == (raw_marker or "<absent>")
    assert parsed.get("Marker") == raw_marker


def test_string_null_end_marker_then_error_on_the_next_request(state: MpuState) -> None:
    """BUG-12e: a client that sends back the string "null" gets a 400 by default."""
    GlacierView(state).initiate_multipart_upload("v")
    g.set_listing_behaviour(state, g.ListingBehaviour(end_marker="string-null"))
    _, parsed = send(state, "ListMultipartUploads", vaultName="v")
    reply, parsed = send(state, "ListMultipartUploads", vaultName="v", marker=parsed["Marker"])
    assert reply.status == 400
    assert parsed["Error"] == {
        "Code": "InvalidParameterValueException",
        "Message": "Invalid marker: null",
    }


def test_error_document(state: MpuState) -> None:
    reply, parsed = send(state, "DescribeVault", vaultName="nope")
    assert reply.status == 404
    assert reply.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert reply.headers["Content-Type"] == "application/json"
    assert REQUEST_ID.fullmatch(reply.headers["x-amzn-RequestId"])
    message = f"Vault not found for ARN: arn:aws:glacier:us-east-1:{ACCOUNT}:vaults/nope"
    assert raw(reply) == {"code": "ResourceNotFoundException", "message": message, "type": "Client"}
    assert reply.body.startswith(b'{"code":"ResourceNotFoundException","message":')
    assert parsed["Error"] == {"Code": "ResourceNotFoundException", "Message": message}
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert parsed["ResponseMetadata"]["RequestId"] == reply.headers["x-amzn-RequestId"]
    assert reply.error is not None and reply.error.code == "ResourceNotFoundException"


def test_error_code_comes_from_the_header(state: MpuState) -> None:
    reply, _ = send(state, "DescribeVault", vaultName="nope")
    reply.headers["x-amzn-ErrorType"] = "InvalidParameterValueException:http://internal/"
    parsed = PARSER.parse(
        {"status_code": 404, "headers": HeadersDict(reply.headers), "body": reply.body},
        MODEL.operation_model("DescribeVault").output_shape,
    )
    assert parsed["Error"]["Code"] == "InvalidParameterValueException"


@pytest.mark.parametrize(
    ("operation", "params", "status", "code", "message"),
    [
        ("InitiateMultipartUpload", {"partSize": "3145728"}, 400, "InvalidParameterValueException",
         "Invalid part size: 3145728. Part size must not be null, must be a power of two and be "
         "between 1048576 and 4294967296 bytes."),
        ("InitiateMultipartUpload", {}, 400, "MissingParameterValueException",
         "Required parameter missing: x-amz-part-size"),
        ("ListMultipartUploads", {"limit": "51"}, 400, "InvalidParameterValueException",
         "Invalid limit: 51"),
        ("ListParts", {"uploadId": "nope"}, 404, "ResourceNotFoundException",
         "The upload ID was not found: nope"),
        ("CompleteMultipartUpload", {"uploadId": "U", "archiveSize": "1"}, 400,
         "MissingParameterValueException", "Required parameter missing: x-amz-sha256-tree-hash"),
        ("UploadMultipartPart", {"uploadId": "U", "range": "bytes 0-4194303/*", "body": b"x" * 10},
         400, "InvalidParameterValueException",
         "Content-Range: bytes 0-4194303/* is incompatible with Content-Length: 10"),
        ("UploadMultipartPart", {"uploadId": "U", "body": b"x"}, 400,
         "MissingParameterValueException", "Required parameter missing: Content-Range"),
        ("UploadMultipartPart", {"uploadId": "U", "range": "bytes 0-0/*", "body": b"x",
                                 "checksum": "ab" * 32},
         400, "InvalidParameterValueException",
         f"Checksum mismatch: expected {'ab' * 32}, computed {g.tree_hash(b'x')}"),
    ],
)  # fmt: skip
def test_errors_round_trip(
    state: MpuState, operation: str, params: dict[str, Any], status: int, code: str, message: str
) -> None:
    upload = GlacierView(state).initiate_multipart_upload("v")
    if params.get("uploadId") == "U":
        params = {**params, "uploadId": upload.upload_id}
    reply, parsed = send(state, operation, vaultName="v", **params)
    assert reply.status == status
    assert parsed["Error"] == {"Code": code, "Message": message}
    assert raw(reply)["type"] == "Client"


def test_content_sha256_mismatch_is_a_signature_error(state: MpuState) -> None:
    upload = GlacierView(state).initiate_multipart_upload("v")
    op = MODEL.operation_model("UploadMultipartPart")
    request = SERIALIZER.serialize_to_request(
        {"accountId": "-", "vaultName": "v", "uploadId": upload.upload_id,
         "range": "bytes 0-3/*", "body": b"abcd"}, op,
    )  # fmt: skip
    botocore.handlers.add_glacier_checksums(request)
    headers = {k.lower(): v for k, v in request["headers"].items()}
    headers["x-amz-content-sha256"] = "0" * 64
    wire = WireRequest(
        "glacier", "UploadMultipartPart", {"accountId": "-", "vaultName": "v",
        "uploadId": upload.upload_id}, "PUT", "https://glacier.us-east-1.amazonaws.com/x", {},
        headers, b"abcd", "us-east-1",
    )  # fmt: skip
    reply = HANDLERS["UploadMultipartPart"](state, wire)
    assert reply.status == 403
    assert raw(reply)["code"] == "InvalidSignatureException"
    assert raw(reply)["message"].startswith(
        "The value passed in as x-amz-content-sha256 does not match the computed payload hash."
    )


def test_labels_are_read_from_the_url_path(state: MpuState) -> None:
    upload = GlacierView(state).initiate_multipart_upload("v", parts=1)
    wire = route(
        HttpRequest(
            "GET",
            f"https://glacier.us-east-1.amazonaws.com/-/vaults/v/multipart-uploads/{upload.upload_id}",
            {"x-amz-glacier-version": "2012-06-01"},
        )
    )
    assert isinstance(wire, WireRequest)
    assert wire.operation == "ListParts" and wire.region == "us-east-1"
    reply = HANDLERS["ListParts"](state, wire)
    assert reply.status == 200
    assert raw(reply)["MultipartUploadId"] == upload.upload_id


@pytest.mark.parametrize("operation", sorted(HANDLERS))
def test_handlers_never_raise_on_garbage(state: MpuState, operation: str) -> None:
    wire = WireRequest(
        "glacier", operation, {"accountId": "-", "vaultName": "v", "uploadId": "??"}, "GET",
        "https://glacier.us-east-1.amazonaws.com/", {"limit": "x", "marker": "%%"},
        {"x-amz-part-size": "x", "content-range": "x", "x-amz-archive-size": "x",
         "x-amz-sha256-tree-hash": "x", "x-amz-archive-description": "\x00"},
        b"\xff", "us-east-1",
    )  # fmt: skip
    reply = HANDLERS[operation](state, wire)
    assert isinstance(reply, WireResponse)
    if reply.status >= 400:
        assert reply.error is not None
        assert raw(reply)["code"] == reply.headers["x-amzn-ErrorType"] == reply.error.code


@pytest.mark.parametrize("style", ["null", "absent", "string-null", "string-None"])
def test_cached_upload_elements_give_the_bytes_json_dumps_gives(
    state: MpuState, style: g.EndMarker
) -> None:
    from mockmpu.glacier.codec import _upload_element

    view = GlacierView(state)
    uploads = [view.initiate_multipart_upload("v", description=f"d{i}") for i in range(3)]
    g.set_listing_behaviour(state, g.ListingBehaviour(end_marker=style))
    for limit in ("2", None, None):  # a second full listing is served from the cache
        extra = {"limit": limit} if limit else {}
        reply, _ = send(state, "ListMultipartUploads", vaultName="v", **extra)
        document = raw(reply)
        listed = [
            u
            for u in uploads
            if u.upload_id in {e["MultipartUploadId"] for e in document["UploadsList"]}
        ]
        expected = {k: v for k, v in document.items() if k != "UploadsList"}
        expected["UploadsList"] = [_upload_element(u) for u in listed]
        assert reply.body == json.dumps(expected, separators=(",", ":")).encode()
    view.abort_multipart_upload("v", uploads[0].upload_id)
    replacement = view.initiate_multipart_upload("v", description="new")
    reply, _ = send(state, "ListMultipartUploads", vaultName="v")
    ids = [e["MultipartUploadId"] for e in raw(reply)["UploadsList"]]
    assert ids == [uploads[1].upload_id, uploads[2].upload_id, replacement.upload_id]
    assert raw(reply)["UploadsList"][-1]["ArchiveDescription"] == "new"
