"""S3 object reads on the dict path (``mock_mpu(wire=False)``): HeadObject and GetObject.

The same reads as :mod:`mockmpu.s3.object_codec`, returned as botocore's rest-xml parser builds
them: the header members (``_parsed.s3_reply``), then, for GetObject, ``Body`` last: a
``botocore.response.StreamingBody`` over the bytes with the ``Content-Length`` sent, as
botocore's endpoint wraps a streaming payload. Errors as ``_parsed.s3_error_reply`` gives them
(HEAD: the status only); a 304, and a GetObject whose checksum botocore would validate while
reading the body, go to the wire path. Not modelled: see :mod:`mockmpu.s3.objects`.
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
    if not head and read.checksum is not None and "-" not in read.checksum[1]:
        raise WireFallback  # botocore validates this checksum while reading the wire body
    headers = object_headers(read)
    reply = s3_reply(state, model, read.status, headers=headers, fingerprint=data[:64])
    if not head and read.status < 300:
        from botocore.response import StreamingBody

        reply.parsed["Body"] = StreamingBody(io.BytesIO(data), len(data))
    return reply


def head_object(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """HeadObject: the header members; errors carry the status only."""
    return _read(state, req, model, head=True)


def get_object(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """GetObject: the header members, then ``Body``."""
    return _read(state, req, model, head=False)


ANSWERS: dict[str, ParsedAnswer] = {"GetObject": get_object, "HeadObject": head_object}
