"""The records passed between a transport, the dispatcher and the service codecs.

Leaf module: stdlib only.

- :class:`HttpRequest` is what every transport hands the dispatcher: a raw HTTP request
  (method, URL, headers, body), exactly as a client sent it.
- :class:`WireRequest` is that request after routing: the operation it names and the URI labels
  read from its host and path (``Bucket``/``Key`` for S3, ``accountId``/``vaultName``/``uploadId``
  for Glacier), with the query string decoded and the body read.
- :class:`WireResponse` is the raw HTTP response a codec answers with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Callable, Union

from mockmpu.core.calls import Listed
from mockmpu.core.errors import ServiceError

if TYPE_CHECKING:
    from mockmpu.core.state import MpuState

__all__ = ["Body", "Handler", "HttpRequest", "WireRequest", "WireResponse"]

#: A request body: bytes, or a readable binary stream (read to its end by the dispatcher).
Body = Union[bytes, bytearray, memoryview, IO[bytes], None]


@dataclass(frozen=True)
class HttpRequest:
    """One raw HTTP request, as a client sent it.

    Attributes:
        method: the HTTP method (any case).
        url: the absolute URL: scheme, host (with the bucket in it for virtual-hosted-style S3),
            the path percent-encoded as sent, and the query string.
        headers: the request headers; names in any case, values ``str`` (or ``bytes``, decoded
            as UTF-8).
        body: the body as bytes, or a readable binary stream; ``None`` for none.
    """

    method: str
    url: str
    headers: Mapping[str, Any] = field(default_factory=dict)
    body: Body = b""


#: Fills a frozen instance's ``__dict__`` in one step (the generated ``__init__`` of a frozen
#: dataclass makes one ``object.__setattr__`` call per field: twice the cost, on every call).
_set_dict = object.__setattr__


@dataclass(frozen=True, init=False)
class WireRequest:
    """One routed request: what a codec reads.

    Attributes:
        service: botocore's service id in lower case (``"s3"``, ``"glacier"``).
        operation: the AWS operation name (``"ListParts"``).
        labels: the URI labels read from the host and path, percent-decoded, named as in
            botocore's models: ``Bucket`` and ``Key`` for S3; ``accountId``, ``vaultName`` and
            ``uploadId`` for Glacier. A label the path does not carry is absent.
        method: the HTTP method, upper case.
        url: the full URL.
        query: the decoded query string; a bare flag such as ``uploads`` maps to ``""``; when a
            name repeats, the last value wins.
        headers: request headers with lower-case names and ``str`` values.
        body: the body bytes exactly as sent (S3 UploadPart bodies may still be ``aws-chunked``).
        region: the region the request was sent to (from the transport, the signature's
            credential scope or the host; ``us-east-1`` when none says).
        stream: for S3 UploadPart only, the body as the transport handed it when it is a
            readable stream (``body`` is then ``b""``): the codec reads it once in blocks,
            hashing as it goes, instead of holding the whole part in memory twice.
    """

    service: str
    operation: str
    labels: Mapping[str, str]
    method: str
    url: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes
    region: str
    stream: Body = None

    def __init__(
        self,
        service: str,
        operation: str,
        labels: Mapping[str, str],
        method: str,
        url: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: bytes,
        region: str,
        stream: Body = None,
    ) -> None:
        _set_dict(
            self,
            "__dict__",
            {
                "service": service,
                "operation": operation,
                "labels": labels,
                "method": method,
                "url": url,
                "query": query,
                "headers": headers,
                "body": body,
                "region": region,
                "stream": stream,
            },
        )


@dataclass
class WireResponse:
    """A raw HTTP response: status, headers (``str`` values), body bytes.

    ``error`` is the :class:`ServiceError` the body renders, if any (for ``mpu.calls``);
    ``listing`` what a listing page answered (for ``mpu.calls`` and failure explanations).
    """

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: ServiceError | None = None
    listing: Listed | None = None


#: A codec entry point: answer one request against the state.
Handler = Callable[["MpuState", WireRequest], WireResponse]
