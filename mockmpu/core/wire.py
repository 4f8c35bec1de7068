"""The request/response records passed between the botocore hook and the service codecs.

Leaf module: stdlib only. The hook builds a :class:`WireRequest` from what botocore is about to
send; a codec handler answers it with a :class:`WireResponse` that botocore's own parser reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from mockmpu.core.errors import ServiceError

if TYPE_CHECKING:
    from mockmpu.core.state import MpuState

__all__ = ["Handler", "WireRequest", "WireResponse"]


@dataclass(frozen=True)
class WireRequest:
    """One request as botocore built it.

    Attributes:
        service: botocore's service id in lower case (``"s3"``, ``"glacier"``).
        operation: the AWS operation name (``"ListParts"``).
        params: the API parameters the caller passed (after botocore's own parameter handlers,
            e.g. Glacier's ``accountId='-'`` injection), as captured at ``before-parameter-build``.
        method: the HTTP method.
        url: the full URL.
        query: the decoded query string; a bare flag such as ``uploads`` maps to ``""``; when a
            name repeats, the last value wins.
        headers: request headers with lower-case names and ``str`` values.
        body: the body bytes exactly as sent (S3 UploadPart bodies may still be ``aws-chunked``).
        region: the client's region name.
    """

    service: str
    operation: str
    params: Mapping[str, Any]
    method: str
    url: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes
    region: str


@dataclass
class WireResponse:
    """An HTTP response to hand to botocore: status, headers (``str`` values), body bytes.

    ``error`` is the :class:`ServiceError` the body renders, if any (for ``mpu.calls``).
    """

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: ServiceError | None = None


#: A codec entry point: answer one request against the state.
Handler = Callable[["MpuState", WireRequest], WireResponse]
