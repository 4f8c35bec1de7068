"""S3 object reads on the dict path (``mock_mpu(wire=False)``): HeadObject and GetObject.

The same reads as :mod:`mockmpu.s3.object_codec`, returned as botocore's rest-xml parser builds
them: the header members (``_parsed.s3_reply``), then, for GetObject, ``Body`` last: a
``botocore.response.StreamingBody`` over the bytes with the ``Content-Length`` sent, as
botocore's endpoint wraps a streaming payload. Errors as ``_parsed.s3_error_reply`` gives them
(HEAD: the status only); a 304 goes to the wire path. A full-object checksum is validated while
the body is read, as botocore does on the wire path. Not modelled: see :mod:`mockmpu.s3.objects`.
"""

from __future__ import annotations

import io
from typing import Any

from mockmpu.core.errors import ServiceError
from mockmpu.core.parsed import ParsedAnswer, ParsedReply, WireFallback
from mockmpu.core.state import MpuState
from mockmpu.core.wire import WireRequest
from mockmpu.s3 import objects
from mockmpu.s3.object_codec import call_read_object, object_headers
from mockmpu.s3.replies import s3_error_reply, s3_reply

__all__ = ["ANSWERS"]


def _read(state: MpuState, req: WireRequest, model: Any, *, head: bool) -> ParsedReply:
    try:
        read = call_read_object(state, req)
        data = b"" if head or read.status == objects.NOT_MODIFIED else objects.read_bytes(read)
    except ServiceError as error:
        return s3_error_reply(state, model, error, head=head)
    if read.status == objects.NOT_MODIFIED:
        raise WireFallback  # botocore's error for a 304 is the wire path's to give
    headers = object_headers(read)
    reply = s3_reply(state, model, read.status, headers=headers, fingerprint=data[:64])
    if not head and read.status < 300:
        body, algorithm = _body(req, read, data)
        reply.parsed["Body"] = body
        if algorithm is not None:  # botocore's parser notes it before RetryAttempts
            meta = reply.parsed["ResponseMetadata"]
            retries = meta.pop("RetryAttempts")
            meta["ChecksumAlgorithm"] = algorithm
            meta["RetryAttempts"] = retries
    return reply


def _body(req: WireRequest, read: Any, data: bytes) -> tuple[Any, str | None]:
    """``Body`` as botocore's endpoint builds it: a ``StreamingBody``, or, when the request asked
    for checksums (``x-amz-checksum-mode: ENABLED``) and the object has a full-object one, the
    ``StreamingChecksumBody`` that validates it while it is read (``httpchecksum.
    handle_checksum_body``; composite ``-N`` values are not validated, as there), and the
    algorithm it validates (``ResponseMetadata["ChecksumAlgorithm"]``)."""
    from botocore.response import StreamingBody

    raw = io.BytesIO(data)
    checksum = read.checksum
    enabled = req.headers.get("x-amz-checksum-mode", "").upper() == "ENABLED"
    if enabled and checksum is not None and "-" not in checksum[1]:
        from botocore.httpchecksum import _CHECKSUM_CLS, StreamingChecksumBody

        checksum_cls = _CHECKSUM_CLS.get(checksum[0].lower())
        if checksum_cls is None:  # botocore cannot compute it here (no awscrt): no check
            return StreamingBody(raw, len(data)), None
        body = StreamingChecksumBody(raw, len(data), checksum_cls(), checksum[1])
        return body, checksum[0].lower()
    return StreamingBody(raw, len(data)), None


def head_object(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """HeadObject: the header members; errors carry the status only."""
    return _read(state, req, model, head=True)


def get_object(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """GetObject: the header members, then ``Body``."""
    return _read(state, req, model, head=False)


ANSWERS: dict[str, ParsedAnswer] = {"GetObject": get_object, "HeadObject": head_object}
