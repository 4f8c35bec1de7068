"""A bad-input corpus for every served operation, reusable across transports.

The corpus (:data:`RAW`) is a list of raw HTTP requests: for each of the 21 served operations a
well-formed request and its hostile variants (malformed and hostile XML: billion laughs, external
entities, nesting 20 times deeper than Python's recursion limit; numbers of 5,000 digits; invalid
UTF-8 in the query string, the path and headers; out-of-range values; bodies of tens of MB).
Each must get an AWS-shaped error or a success, no exception may escape, and the state after an
error must equal the state before it.

The seam, for transports that land later (aiobotocore, the HTTP server, ...)
-------------------------------------------------------------------------------
A transport is a function ``(mpu, request) -> Reply``:

- ``mpu`` is an **active** :class:`~mockmpu.MpuMock` arranged with :func:`arrange`;
- ``request`` is a :class:`RawRequest` whose ``url``, ``headers`` and ``body`` are final
  (placeholders already filled in by :func:`send`);
- it delivers those bytes to mockmpu the way that transport does (botocore's ``before-send``
  event, an aiohttp request, a socket to the server on 127.0.0.1 ...) and returns the raw reply
  as a :class:`Reply` (status, headers with lower-case names, body bytes).

Add the function to :data:`TRANSPORTS` under its name; ``tests/test_corpus.py`` runs every corpus
entry through every transport and checks the property above. :func:`send` fills in the arranged
upload ids and calls the transport; :func:`check_reply` checks one reply's AWS shape.
"""

from __future__ import annotations

import importlib.util
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from mockmpu import MpuMock
from mockmpu.core.wire import HttpRequest
from mockmpu.dispatch import NotServed, dispatch
from mockmpu.scenarios.store import dumps_state

MiB = 1024 * 1024
S3_HOST = "https://s3.us-east-1.amazonaws.com"
GLACIER_HOST = "https://glacier.us-east-1.amazonaws.com"
#: A number CPython's int() refuses to read (more than 4,300 digits).
HUGE = "9" * 5000
#: Out-of-range but readable, for comparison with HUGE.
BIG = "9" * 30
BAD_UTF8 = "%ff%fe%80"
EMPTY_TREE_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@dataclass(frozen=True)
class RawRequest:
    """One raw request: ``url`` may hold ``{upload}`` (S3) and ``{gupload}`` (Glacier)."""

    name: str
    service: str
    operation: str
    method: str
    url: str
    headers: Mapping[str, Any] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Mapping[str, str]
    body: bytes


Transport = Callable[[MpuMock, RawRequest], Reply]


# ------------------------------------------------------------------------------------ arrange


def arrange(mpu: MpuMock) -> dict[str, str]:
    """Bucket ``bkt``: an upload on ``k`` (one part), object ``obj`` (100 bytes, one part); vault
    ``v`` with an upload (one part)."""
    mpu.s3.create_bucket("bkt")
    upload = mpu.s3.create_multipart_upload("bkt", "k")
    mpu.s3.upload_part("bkt", "k", upload.upload_id, 1, b"x" * 100)
    done = mpu.s3.create_multipart_upload("bkt", "obj")
    mpu.s3.upload_part("bkt", "obj", done.upload_id, 1, b"o" * 100)
    mpu.s3.complete_multipart_upload("bkt", "obj", done.upload_id)
    # A completed object for the reads (its own bucket, so bkt's answers do not change).
    mpu.s3.create_bucket("obj-bkt")
    done = mpu.s3.create_multipart_upload("obj-bkt", "o", parts={1: 5 * MiB, 2: b"tail"})
    mpu.s3.complete_multipart_upload("obj-bkt", "o", done.upload_id)
    mpu.glacier.create_vault("v")
    gupload = mpu.glacier.initiate_multipart_upload("v", part_size=MiB)
    mpu.glacier.upload_multipart_part("v", gupload.upload_id, index=0, data=b"g" * 100)
    return {"upload": upload.upload_id, "gupload": gupload.upload_id}


def snapshot(mpu: MpuMock) -> dict[str, Any]:
    """The state as a scenario file, less the request-id generator (errors draw request ids)."""
    doc: dict[str, Any] = json.loads(dumps_state(mpu.state))
    doc.pop("rng_state")
    return doc


# --------------------------------------------------------------------------------- transports


def via_dispatch(mpu: MpuMock, request: RawRequest) -> Reply:
    """The front door itself: ``mockmpu.dispatch.dispatch`` (no hint: routed from the bytes)."""
    reply = dispatch(mpu, HttpRequest(request.method, request.url, request.headers, request.body))
    assert not isinstance(reply, NotServed), reply
    return Reply(reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.body)


_CLIENTS: dict[str, Any] = {}


def via_botocore(mpu: MpuMock, request: RawRequest) -> Reply:
    """The botocore transport: the request emitted as ``before-send`` on an attached client."""
    import botocore.session
    from botocore.awsrequest import AWSPreparedRequest

    client = _CLIENTS.get(request.service)
    if client is None:  # one client per service: creating one costs more than a request
        client = botocore.session.get_session().create_client(request.service, "us-east-1")
        _CLIENTS[request.service] = client
    mpu.attach(client)
    prepared = AWSPreparedRequest(
        request.method, request.url, dict(request.headers), request.body, stream_output=False
    )
    event = f"before-send.{request.service}.{request.operation}"
    _, response = client.meta.events.emit_until_response(event, request=prepared)
    assert response is not None, f"{event} was not answered"
    headers = {k.lower(): v for k, v in response.headers.items()}
    return Reply(response.status_code, headers, response.content)


_SERVER: dict[str, Any] = {}


def via_server(mpu: MpuMock, request: RawRequest) -> Reply:
    """The HTTP server: the bytes over a socket to mockmpu's werkzeug server on 127.0.0.1.

    One server for the run, serving whichever mock the current request is for; the original host
    goes in the ``Host`` header (it names the service, region and virtual-hosted bucket).
    """
    import http.client
    from urllib.parse import urlsplit

    from mockmpu.transports.server import ServerThread, WireApp

    if "thread" not in _SERVER:
        _SERVER["thread"] = ServerThread(WireApp(lambda: _SERVER["mpu"])).start()
    _SERVER["mpu"] = mpu
    url = urlsplit(request.url)
    target = (url.path or "/") + (f"?{url.query}" if url.query else "")
    conn = http.client.HTTPConnection("127.0.0.1", _SERVER["thread"].port, timeout=120)
    try:
        conn.putrequest(request.method, target, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", url.netloc)
        for name, value in request.headers.items():
            conn.putheader(name, value)
        if "content-length" not in {str(k).lower() for k in request.headers}:
            conn.putheader("Content-Length", str(len(request.body)))
        conn.endheaders(request.body or None)
        response = conn.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return Reply(response.status, headers, response.read())
    finally:
        conn.close()


class _AsyncBody:
    """A body like aiobotocore's chunked wrapper: ``read()`` is a coroutine; no ``tell``."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    async def read(self, size: int | None = None) -> bytes:
        body, self._body = self._body, b""
        return body


_AIO: dict[str, Any] = {}


def via_aiobotocore(mpu: MpuMock, request: RawRequest) -> Reply:
    """The aiobotocore transport: ``before-send`` awaited on an attached aiobotocore client."""
    import asyncio

    from aiobotocore.session import get_session
    from botocore.awsrequest import AWSPreparedRequest

    loop = _AIO.get("loop")
    if loop is None:  # one loop and one client per service, kept for the whole run
        loop = _AIO["loop"] = asyncio.new_event_loop()
    client = _AIO.get(request.service)
    if client is None:
        creator = get_session().create_client(request.service, region_name="us-east-1")
        client = _AIO[request.service] = loop.run_until_complete(creator.__aenter__())
    mpu.attach(client)
    prepared = AWSPreparedRequest(
        request.method, request.url, dict(request.headers), _AsyncBody(request.body), False
    )
    event = f"before-send.{request.service}.{request.operation}"
    _, response = loop.run_until_complete(
        client.meta.events.emit_until_response(event, request=prepared)
    )
    assert response is not None, f"{event} was not answered"
    headers = {k.lower(): v for k, v in response.headers.items()}
    return Reply(response.status_code, headers, loop.run_until_complete(response.content))


TRANSPORTS: dict[str, Transport] = {
    "dispatch": via_dispatch,
    "botocore": via_botocore,
    "server": via_server,
}
if importlib.util.find_spec("aiobotocore") is not None:  # the async env (tasks.py test-async)
    TRANSPORTS["aiobotocore"] = via_aiobotocore


def send(transport: Transport, mpu: MpuMock, request: RawRequest, ids: Mapping[str, str]) -> Reply:
    """Fill in the arranged ids and deliver ``request`` through ``transport``."""
    return transport(mpu, replace(request, url=request.url.format(**ids)))


def check_reply(request: RawRequest, reply: Reply) -> str | None:
    """Assert the reply is a success or an AWS-shaped error; return the error code, if any."""
    if reply.status < 300:
        return None
    if reply.status == 304:  # Not Modified (a conditional GET/HEAD): no body, like AWS
        assert reply.body == b""
        return None
    assert 400 <= reply.status < 600, reply.status
    if request.method == "HEAD":
        assert reply.body == b""
        return str(reply.status)
    if request.service == "s3":
        assert reply.headers.get("content-type") == "application/xml"
        # Keys with C0 control characters are echoed raw; AWS echoes them as "&#x7;", which no
        # XML 1.0 parser reads either (boto/botocore#3496). Read past them here.
        root = ET.fromstring(re.sub(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", b"?", reply.body))
        assert root.tag == "Error"
        code, message = root.findtext("Code"), root.findtext("Message")
        assert code and message is not None and root.findtext("RequestId")
        return code
    assert reply.headers.get("content-type") == "application/json"
    doc = json.loads(reply.body)
    assert set(doc) == {"code", "message", "type"}, doc
    assert doc["type"] in ("Client", "Server")
    return str(doc["code"])


# ------------------------------------------------------------------------------------- corpus

_BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&lol9;</ETag></Part>"
    b"</CompleteMultipartUpload>"
)
_XXE = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&xxe;</ETag></Part>"
    b"</CompleteMultipartUpload>"
)
_XXE_PARAM = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % ext SYSTEM "http://192.0.2.1/x.dtd"> %ext;]>'
    b"<CompleteMultipartUpload/>"
)
_DEEP = (
    b"<CompleteMultipartUpload>"
    + b"<Part>" * 20_000
    + b"</Part>" * 20_000
    + (b"</CompleteMultipartUpload>")
)
_DEEP_UNCLOSED = b"<a>" * 20_000


def _complete_xml(*parts: tuple[str, str]) -> bytes:
    body = "".join(f"<Part><PartNumber>{n}</PartNumber><ETag>{e}</ETag></Part>" for n, e in parts)
    return f"<CompleteMultipartUpload>{body}</CompleteMultipartUpload>".encode()


_ETAG = '"' + "0" * 32 + '"'

_XML_BODIES: dict[str, bytes] = {
    "billion-laughs": _BILLION_LAUGHS,
    "external-entity": _XXE,
    "external-parameter-entity": _XXE_PARAM,
    "deep-nesting": _DEEP,
    "deep-unclosed": _DEEP_UNCLOSED,
    "not-xml": b"\x00\xff{not xml",
    "truncated": _complete_xml(("1", _ETAG))[:-5],
    "invalid-utf8": b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\xff\xfe"
    b"</ETag></Part></CompleteMultipartUpload>",
    "utf16-declared": b'<?xml version="1.0" encoding="UTF-16"?><CompleteMultipartUpload/>',
    "wrong-root": b"<Foo><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></Foo>",
    "huge-part-number": _complete_xml((HUGE, _ETAG)),
    "big-part-number": _complete_xml((BIG, _ETAG)),
    "negative-part-number": _complete_xml(("-5", _ETAG)),
    "zero-part-number": _complete_xml(("0", _ETAG)),
    "text-part-number": _complete_xml(("one", _ETAG)),
    "part-as-text": b"<CompleteMultipartUpload><Part>1</Part></CompleteMultipartUpload>",
    "nested-part-number": b"<CompleteMultipartUpload><Part><PartNumber><x>1</x></PartNumber>"
    b"<ETag>e</ETag></Part></CompleteMultipartUpload>",
    "many-parts": _complete_xml(*((str(n), _ETAG) for n in range(1, 10_003))),
    "tens-of-mb": b"<CompleteMultipartUpload>" + b" " * (24 * MiB) + b"</CompleteMultipartUpload>",
    "checksum-not-base64": b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>e"
    b"</ETag><ChecksumCRC32>!!!</ChecksumCRC32></Part></CompleteMultipartUpload>",
}


def _s3(name: str, operation: str, method: str, target: str, **kw: Any) -> RawRequest:
    return RawRequest(name, "s3", operation, method, S3_HOST + target, **kw)


_GLACIER_HEADERS = {"x-amz-glacier-version": "2012-06-01"}


def _glacier(
    name: str, operation: str, method: str, target: str, headers: Mapping[str, Any] = {}, **kw: Any
) -> RawRequest:
    return RawRequest(
        name, "glacier", operation, method, GLACIER_HOST + target,
        {**_GLACIER_HEADERS, **headers}, **kw,
    )  # fmt: skip


#: Numbers every integer field is tried with.
_NUMBERS = {"huge": HUGE, "big": BIG, "negative": "-1", "zero": "0", "text": "1e3", "blank": ""}


def _s3_corpus() -> list[RawRequest]:
    out = [
        _s3("ok", "CreateBucket", "PUT", "/newbkt"),
        _s3("bad-utf8-name", "CreateBucket", "PUT", f"/a{BAD_UTF8}"),
        _s3("deep-config", "CreateBucket", "PUT", "/newbkt", body=b"<a>" * 20_000),
        _s3("billion-laughs-config", "CreateBucket", "PUT", "/newbkt", body=_BILLION_LAUGHS),
        _s3("xxe-config", "CreateBucket", "PUT", "/newbkt", body=_XXE),
        _s3(
            "bad-region",
            "CreateBucket",
            "PUT",
            "/newbkt",
            body=b"<CreateBucketConfiguration><LocationConstraint>\xff</LocationConstraint>"
            b"</CreateBucketConfiguration>",
        ),
        _s3("ok", "HeadBucket", "HEAD", "/bkt"),
        _s3("bad-utf8", "HeadBucket", "HEAD", f"/b{BAD_UTF8}"),
        _s3("ok", "DeleteBucket", "DELETE", "/bkt"),
        _s3("missing", "DeleteBucket", "DELETE", "/nope"),
        _s3("ok", "CreateMultipartUpload", "POST", "/bkt/k2?uploads"),
        _s3("bad-utf8-key", "CreateMultipartUpload", "POST", f"/bkt/k{BAD_UTF8}?uploads"),
        _s3(
            "bad-utf8-meta",
            "CreateMultipartUpload",
            "POST",
            "/bkt/k?uploads",
            headers={"x-amz-meta-a": b"\xff\xfe", "content-type": b"\xff"},
        ),
        _s3(
            "bad-checksum-algorithm",
            "CreateMultipartUpload",
            "POST",
            "/bkt/k?uploads",
            headers={"x-amz-checksum-algorithm": "NOPE"},
        ),
        _s3(
            "bad-storage-class",
            "CreateMultipartUpload",
            "POST",
            "/bkt/k?uploads",
            headers={"x-amz-storage-class": "\u00e9"},
        ),
        _s3("no-bucket", "CreateMultipartUpload", "POST", "/nope/k?uploads"),
        _s3("long-key", "CreateMultipartUpload", "POST", "/bkt/" + "k" * 5000 + "?uploads"),
        _s3("ok", "UploadPart", "PUT", "/bkt/k?partNumber=2&uploadId={upload}", body=b"p"),
        _s3(
            "tens-of-mb",
            "UploadPart",
            "PUT",
            "/bkt/k?partNumber=3&uploadId={upload}",
            body=b"\0" * (24 * MiB),
        ),
        _s3("bad-utf8-upload-id", "UploadPart", "PUT", f"/bkt/k?partNumber=2&uploadId={BAD_UTF8}"),
        _s3(
            "bad-md5",
            "UploadPart",
            "PUT",
            "/bkt/k?partNumber=2&uploadId={upload}",
            headers={"content-md5": "\xff!"},
            body=b"p",
        ),
        _s3(
            "bad-checksum",
            "UploadPart",
            "PUT",
            "/bkt/k?partNumber=2&uploadId={upload}",
            headers={"x-amz-checksum-crc32": "!!!!"},
            body=b"p",
        ),
        _s3(
            "bad-chunked",
            "UploadPart",
            "PUT",
            "/bkt/k?partNumber=2&uploadId={upload}",
            headers={"content-encoding": "aws-chunked"},
            body=b"zz\r\nabc",
        ),
        _s3(
            "huge-chunk",
            "UploadPart",
            "PUT",
            "/bkt/k?partNumber=2&uploadId={upload}",
            headers={"content-encoding": "aws-chunked"},
            body=b"f" * 5000 + b"\r\nabc\r\n",
        ),
        _s3("ok", "AbortMultipartUpload", "DELETE", "/bkt/k?uploadId={upload}"),
        _s3("bad-utf8", "AbortMultipartUpload", "DELETE", f"/bkt/k?uploadId={BAD_UTF8}"),
        _s3("ok", "ListMultipartUploads", "GET", "/bkt?uploads"),
        # Object reads (served since the moto bridge): the misses and malformed reads; reads of
        # the completed object "obj" follow below.
        _s3("missing-key", "GetObject", "GET", "/bkt/nokey"),
        _s3("missing-bucket", "GetObject", "GET", "/nope/k"),
        _s3("bad-utf8-key", "GetObject", "GET", f"/bkt/k{BAD_UTF8}"),
        _s3("bad-range", "GetObject", "GET", "/bkt/k", headers={"range": b"bytes=\xff-"}),
        _s3("bad-part-number", "GetObject", "GET", "/bkt/k?partNumber=x"),
        _s3("missing-key", "HeadObject", "HEAD", "/bkt/nokey"),
        _s3("bad-utf8-key", "HeadObject", "HEAD", f"/bkt/k{BAD_UTF8}"),
        _s3("bad-part-number", "HeadObject", "HEAD", "/bkt/k?partNumber=0"),
        _s3("ok", "ListParts", "GET", "/bkt/k?uploadId={upload}"),
        _s3("bad-utf8", "ListParts", "GET", f"/bkt/k?uploadId={{upload}}&x={BAD_UTF8}"),
        _s3(
            "ok",
            "CompleteMultipartUpload",
            "POST",
            "/bkt/k?uploadId={upload}",
            body=_complete_xml(("1", _ETAG)),
        ),
        _s3("empty", "CompleteMultipartUpload", "POST", "/bkt/k?uploadId={upload}"),
    ]
    for method, operation in (("GET", "GetObject"), ("HEAD", "HeadObject")):
        out += [
            _s3("read-ok", operation, method, "/obj-bkt/o"),
            _s3("read-missing-key", operation, method, "/obj-bkt/nope"),
            _s3("read-missing-bucket", operation, method, "/nope/o"),
            _s3("read-bad-utf8-key", operation, method, f"/obj-bkt/o{BAD_UTF8}"),
            _s3("read-part-and-range", operation, method, "/obj-bkt/o?partNumber=1",
                headers={"range": "bytes=0-1"}),
        ]  # fmt: skip
        for label, number in _NUMBERS.items():
            out.append(
                _s3(
                    f"read-part-number-{label}",
                    operation,
                    method,
                    f"/obj-bkt/o?partNumber={number}",
                )
            )
            forms = {
                "start": f"bytes={number}-",
                "end": f"bytes=0-{number}",
                "suffix": f"bytes=-{number}",
            }
            for kind, form in forms.items():
                # A huge range end or suffix is no error (S3 clamps it to the object): "long".
                name = "long" if label == "huge" and kind != "start" else label
                out.append(
                    _s3(
                        f"read-range-{kind}-{name}",
                        operation,
                        method,
                        "/obj-bkt/o",
                        headers={"range": form},
                    )
                )
        for header in ("if-match", "if-none-match", "if-modified-since", "if-unmodified-since"):
            # Conditions that cannot match or parse are no error either (unparsable dates are
            # ignored, as HTTP says): "long", not "huge".
            for label, value in (("bad-utf8", b"\xff\xfe"), ("long", HUGE), ("blank", "")):
                out.append(
                    _s3(
                        f"read-{header}-{label}",
                        operation,
                        method,
                        "/obj-bkt/o",
                        headers={header: value},
                    )
                )
        out.append(
            _s3("read-checksum-mode-odd", operation, method, "/obj-bkt/o",
                headers={"x-amz-checksum-mode": "\u00e9NABLED"})
        )  # fmt: skip
    for label, number in _NUMBERS.items():
        out.append(
            _s3(
                f"part-number-{label}",
                "UploadPart",
                "PUT",
                f"/bkt/k?partNumber={number}&uploadId={{upload}}",
                body=b"p",
            )
        )
        out.append(
            _s3(
                f"max-uploads-{label}",
                "ListMultipartUploads",
                "GET",
                f"/bkt?uploads&max-uploads={number}",
            )
        )
        out.append(
            _s3(
                f"max-parts-{label}",
                "ListParts",
                "GET",
                f"/bkt/k?uploadId={{upload}}&max-parts={number}",
            )
        )
        out.append(
            _s3(
                f"part-number-marker-{label}",
                "ListParts",
                "GET",
                f"/bkt/k?uploadId={{upload}}&part-number-marker={number}",
            )
        )
    for method, op in (("GET", "GetObject"), ("HEAD", "HeadObject")):
        out += [
            _s3("ok", op, method, "/bkt/obj"),
            _s3("missing", op, method, "/bkt/nope"),
            _s3("part-1", op, method, "/bkt/obj?partNumber=1"),
        ]
        for label, number in _NUMBERS.items():
            out.append(_s3(f"part-number-{label}", op, method, f"/bkt/obj?partNumber={number}"))
            out.append(
                _s3(
                    f"range-start-{label}",
                    op,
                    method,
                    "/bkt/obj",
                    headers={"range": f"bytes={number}-"},
                )
            )
            out.append(
                _s3(
                    f"range-end-{label}",
                    op,
                    method,
                    "/bkt/obj",
                    headers={"range": f"bytes=0-{number}"},
                )
            )
            out.append(
                _s3(
                    f"range-suffix-{label}",
                    op,
                    method,
                    "/bkt/obj",
                    headers={"range": f"bytes=-{number}"},
                )
            )
        for name, value in {
            "range": "bytes=5-1",
            "if-match": '"\xff"',
            "if-none-match": "*,*",
            "if-modified-since": "not a date",
            "if-unmodified-since": "Mon, 99 Foo 99999 99:99:99 GMT",
            "x-amz-checksum-mode": "\xff",
        }.items():
            out.append(_s3(f"{name}-odd", op, method, "/bkt/obj", headers={name: value}))
        out.append(_s3("range-bad-utf8", op, method, "/bkt/obj", headers={"range": b"bytes=\xff-"}))
    for param in ("prefix", "delimiter", "key-marker", "upload-id-marker", "encoding-type"):
        out.append(
            _s3(
                f"{param}-bad-utf8",
                "ListMultipartUploads",
                "GET",
                f"/bkt?uploads&{param}={BAD_UTF8}",
            )
        )
        out.append(
            _s3(
                f"{param}-long",
                "ListMultipartUploads",
                "GET",
                f"/bkt?uploads&{param}={'z' * 20_000}",
            )
        )
    for label, body in _XML_BODIES.items():
        out.append(
            _s3(label, "CompleteMultipartUpload", "POST", "/bkt/k?uploadId={upload}", body=body)
        )
    return out  # fmt: skip


def _glacier_corpus() -> list[RawRequest]:
    upload = "/-/vaults/v/multipart-uploads/{gupload}"
    part = {"x-amz-sha256-tree-hash": EMPTY_TREE_HASH, "x-amz-content-sha256": EMPTY_TREE_HASH}
    out = [
        _glacier("ok", "CreateVault", "PUT", "/-/vaults/nv"),
        _glacier("bad-utf8", "CreateVault", "PUT", f"/-/vaults/a{BAD_UTF8}"),
        _glacier("long-name", "CreateVault", "PUT", "/-/vaults/" + "v" * 5000),
        _glacier("bad-account", "CreateVault", "PUT", f"/{BAD_UTF8}/vaults/nv"),
        _glacier("ok", "DescribeVault", "GET", "/-/vaults/v"),
        _glacier("bad-utf8", "DescribeVault", "GET", f"/-/vaults/{BAD_UTF8}"),
        _glacier("ok", "DeleteVault", "DELETE", "/-/vaults/v"),
        _glacier("missing", "DeleteVault", "DELETE", "/-/vaults/nope"),
        _glacier("ok", "ListVaults", "GET", "/-/vaults"),
        _glacier("bad-utf8-marker", "ListVaults", "GET", f"/-/vaults?marker={BAD_UTF8}"),
        _glacier(
            "ok",
            "InitiateMultipartUpload",
            "POST",
            "/-/vaults/v/multipart-uploads",
            {"x-amz-part-size": str(MiB)},
        ),
        _glacier(
            "no-part-size", "InitiateMultipartUpload", "POST", "/-/vaults/v/multipart-uploads"
        ),
        _glacier(
            "bad-utf8-description",
            "InitiateMultipartUpload",
            "POST",
            "/-/vaults/v/multipart-uploads",
            {"x-amz-part-size": str(MiB), "x-amz-archive-description": b"\xff\xfe"},
        ),
        _glacier(
            "ok",
            "UploadMultipartPart",
            "PUT",
            upload,
            {**part, "content-range": "bytes 1048576-1048575/*"},
        ),
        _glacier(
            "tens-of-mb",
            "UploadMultipartPart",
            "PUT",
            upload,
            {**part, "content-range": f"bytes 0-{24 * MiB - 1}/*"},
            body=b"\0" * (24 * MiB),
        ),
        _glacier(
            "bad-tree-hash",
            "UploadMultipartPart",
            "PUT",
            upload,
            {"x-amz-sha256-tree-hash": "zz" * 32, "content-range": "bytes 0-0/*"},
            body=b"a",
        ),
        _glacier(
            "bad-utf8-upload-id",
            "UploadMultipartPart",
            "PUT",
            f"/-/vaults/v/multipart-uploads/{BAD_UTF8}",
            {**part, "content-range": "bytes 0-0/*"},
            body=b"a",
        ),
        _glacier("ok", "AbortMultipartUpload", "DELETE", upload),
        _glacier(
            "bad-utf8",
            "AbortMultipartUpload",
            "DELETE",
            f"/-/vaults/v/multipart-uploads/{BAD_UTF8}",
        ),
        _glacier(
            "ok",
            "CompleteMultipartUpload",
            "POST",
            upload,
            {"x-amz-archive-size": "100", "x-amz-sha256-tree-hash": EMPTY_TREE_HASH},
        ),
        _glacier(
            "bad-tree-hash",
            "CompleteMultipartUpload",
            "POST",
            upload,
            {"x-amz-archive-size": "100", "x-amz-sha256-tree-hash": "\xff"},
        ),
        _glacier("ok", "ListMultipartUploads", "GET", "/-/vaults/v/multipart-uploads"),
        _glacier(
            "bad-utf8-marker",
            "ListMultipartUploads",
            "GET",
            f"/-/vaults/v/multipart-uploads?marker={BAD_UTF8}",
        ),
        _glacier("ok", "ListParts", "GET", upload),
        _glacier("bad-utf8-marker", "ListParts", "GET", upload + f"?marker={BAD_UTF8}"),
        _glacier("long-marker", "ListParts", "GET", upload + "?marker=" + "m" * 20_000),
    ]
    for label, number in _NUMBERS.items():
        out.append(
            _glacier(
                f"part-size-{label}",
                "InitiateMultipartUpload",
                "POST",
                "/-/vaults/v/multipart-uploads",
                {"x-amz-part-size": number},
            )
        )
        out.append(
            _glacier(
                f"archive-size-{label}",
                "CompleteMultipartUpload",
                "POST",
                upload,
                {"x-amz-archive-size": number, "x-amz-sha256-tree-hash": EMPTY_TREE_HASH},
            )
        )
        out.append(
            _glacier(
                f"range-start-{label}",
                "UploadMultipartPart",
                "PUT",
                upload,
                {**part, "content-range": f"bytes {number}-0/*"},
            )
        )
        out.append(
            _glacier(
                f"range-end-{label}",
                "UploadMultipartPart",
                "PUT",
                upload,
                {**part, "content-range": f"bytes 0-{number}/*"},
                body=b"a",
            )
        )
        out.append(
            _glacier(
                f"range-both-{label}",
                "UploadMultipartPart",
                "PUT",
                upload,
                {**part, "content-range": f"bytes {number}-{number}/*"},
                body=b"a",
            )
        )
        out.append(_glacier(f"limit-{label}", "ListVaults", "GET", f"/-/vaults?limit={number}"))
        out.append(
            _glacier(
                f"limit-{label}",
                "ListMultipartUploads",
                "GET",
                f"/-/vaults/v/multipart-uploads?limit={number}",
            )
        )
        out.append(_glacier(f"limit-{label}", "ListParts", "GET", upload + f"?limit={number}"))
    return out  # fmt: skip


#: Every corpus entry (S3 first), named ``s3:Operation:variant``.
RAW: list[RawRequest] = [*_s3_corpus(), *_glacier_corpus()]


def ident(request: RawRequest) -> str:
    return f"{request.service}:{request.operation}:{request.name}"
