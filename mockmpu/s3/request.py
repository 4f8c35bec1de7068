"""S3 request parsing: what the wire codec reads out of a :class:`~mockmpu.core.wire.WireRequest`.

``Bucket``/``Key`` are the URI labels the dispatcher read from the host and path; list
parameters come from the real query string, so values botocore would refuse (``max-uploads=abc``
with validation off) reach the semantics layer and get AWS's answer. Bodies: UploadPart's is
streamed through ``s3.payload`` (``aws-chunked`` framing removed, trailer checksums kept), and
the CompleteMultipartUpload / CreateBucketConfiguration XML is read with xmltodict, tolerant
of child order, namespaces and an absent body.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import xmltodict

from mockmpu.core.bodies import BodyStore, body_bytes
from mockmpu.core.checksums import DIGEST_SIZES
from mockmpu.core.errors import ServiceError
from mockmpu.core.wire import WireRequest
from mockmpu.s3.complete_body import fast_complete_fields, plain_complete_parts
from mockmpu.s3.payload import PartPayload, read_part
from mockmpu.s3.semantics import CompletedPartSpec

__all__ = [
    "announced_checksums",
    "bucket_of",
    "checksum_header",
    "complete_parts",
    "declared_part_size",
    "decode_aws_chunked",
    "header_checksums",
    "is_aws_chunked",
    "key_of",
    "location_constraint",
    "read_part_body",
]

_CHECKSUM_PREFIX = "x-amz-checksum-"
_NOT_CHECKSUMS = frozenset({"algorithm", "type", "mode"})
#: The checksums of a ``<Part>`` that names none (shared, read-only).
_NO_CHECKSUMS: Mapping[str, str] = MappingProxyType({})


def bucket_of(req: WireRequest) -> str:
    return req.labels.get("Bucket", "")


def key_of(req: WireRequest) -> str:
    return req.labels.get("Key", "")


def checksum_header(algorithm: str) -> str:
    """Return the header that carries a checksum: ``CRC32`` -> ``x-amz-checksum-crc32``."""
    return _CHECKSUM_PREFIX + algorithm.lower()


def header_checksums(fields: Mapping[str, str]) -> dict[str, str]:
    """Return the ``x-amz-checksum-<alg>`` values in ``fields``, keyed ``CRC32``, ``SHA256``..."""
    out: dict[str, str] = {}
    for name, value in fields.items():
        lower = name.lower()
        if lower.startswith(_CHECKSUM_PREFIX):
            algorithm = lower[len(_CHECKSUM_PREFIX) :]
            if algorithm and algorithm not in _NOT_CHECKSUMS:
                out[algorithm.upper()] = value.strip()
    return out


def decode_aws_chunked(body: bytes) -> tuple[bytes, dict[str, str]]:
    """Undo ``Content-Encoding: aws-chunked``; return the payload and the trailer fields.

    Frames are ``<hex size>[;chunk-signature=...]\\r\\n<data>\\r\\n``, ended by a zero-size
    frame, trailer lines ``name:value\\r\\n`` and an empty line (``botocore.httpchecksum.
    AwsChunkedWrapper``). Truncated or garbled framing raises ``IncompleteBody`` 400. UploadPart
    itself streams the body (:func:`read_part_body`); this reads one in memory.
    """
    payload = read_part(body, chunked=True, keep=True)
    return body_bytes(payload.body) or b"", payload.trailers


def is_aws_chunked(req: WireRequest) -> bool:
    """Whether the body is ``aws-chunked`` (``Content-Encoding`` or a ``STREAMING-`` hash)."""
    encodings = [e.strip().lower() for e in req.headers.get("content-encoding", "").split(",")]
    return "aws-chunked" in encodings or req.headers.get("x-amz-content-sha256", "").startswith(
        "STREAMING-"
    )


def announced_checksums(req: WireRequest) -> set[str]:
    """Algorithms whose checksum the request carries or announces (``x-amz-trailer``)."""
    names = set(header_checksums(req.headers))
    for trailer in req.headers.get("x-amz-trailer", "").split(","):
        trailer = trailer.strip().lower()
        if trailer.startswith(_CHECKSUM_PREFIX):
            names.add(trailer[len(_CHECKSUM_PREFIX) :].upper())
    sdk = req.headers.get("x-amz-sdk-checksum-algorithm")
    if sdk:
        names.add(sdk.strip().upper())
    return names


def declared_part_size(req: WireRequest) -> int | None:
    """The payload size the request declares: ``x-amz-decoded-content-length`` when chunked,
    else ``Content-Length``; ``None`` when absent or not a number."""
    name = "x-amz-decoded-content-length" if is_aws_chunked(req) else "content-length"
    value = req.headers.get(name, "").strip()
    return int(value) if value.isdigit() else None


def read_part_body(
    req: WireRequest,
    algorithms: set[str],
    *,
    keep: bool,
    store: BodyStore | None = None,
    size_hint: int | None = None,
) -> tuple[PartPayload, dict[str, str]]:
    """Stream UploadPart's body once: ``(payload, checksums sent)``.

    The body (``req.stream`` or ``req.body``) is de-chunked when ``aws-chunked`` (over https
    botocore sends the checksum in a trailer; over http the body is raw and the checksum a
    header), measured, MD5-hashed and hashed with ``algorithms``; it is gathered into bytes only
    when ``keep``, and not at all when it equals a body ``store`` keeps (``size_hint``, the
    declared size, finds it; see :func:`~mockmpu.s3.payload.read_part`). A trailer checksum that
    was not announced is computed in a second pass.
    """
    source = req.stream if req.stream is not None else req.body
    chunked = is_aws_chunked(req)
    payload = read_part(
        source,
        chunked=chunked,
        algorithms=algorithms,
        keep=keep,
        store=store,
        size_hint=size_hint,
    )
    fields = dict(req.headers)
    fields.update(payload.trailers)
    sent = header_checksums(fields)
    missing = {a for a in sent if a in DIGEST_SIZES and a not in payload.computed}
    if missing:  # not announced: read once more (the stream was put back at its start)
        payload.computed.update(read_part(source, chunked=chunked, algorithms=missing).computed)
    return payload, sent


def _parse_xml(body: bytes) -> Any:
    try:
        return xmltodict.parse(body, force_list=("Part",), process_namespaces=False)
    except Exception:  # expat errors, bad encodings: all are MalformedXML to S3
        return None


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _children(node: Any) -> dict[str, Any]:
    if not isinstance(node, Mapping):
        return {}
    return {_local(k): v for k, v in node.items() if not k.startswith("@")}


def _text(value: Any) -> str | None:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        text = value.get("#text")
        return text if isinstance(text, str) else ""
    return None


def complete_parts(req: WireRequest) -> tuple[list[CompletedPartSpec] | None, bool]:
    """Read CompleteMultipartUpload's part list: ``(parts, malformed)``.

    ``parts`` is ``None`` when the request had no body. The order of ``PartNumber``/``ETag``
    inside ``<Part>`` follows the caller's dict order in botocore, so it is not relied on.
    """
    if not req.body.strip():
        return None, False
    plain = plain_complete_parts(req.body)
    if plain is not None:  # the texts fast_complete_fields would give, without a dict per part
        return [CompletedPartSpec(number, etag, _NO_CHECKSUMS) for number, etag in plain], False
    fast = fast_complete_fields(req.body)
    if fast is not None:  # texts already stripped, each name once: what _spec makes of them
        return [
            CompletedPartSpec(
                fields.get("PartNumber"),
                fields.get("ETag"),
                # Most parts carry only PartNumber and ETag: no checksum to look for.
                {k[8:].upper(): v for k, v in fields.items() if k.startswith("Checksum")}
                if len(fields) > 2 or not ("PartNumber" in fields and "ETag" in fields)
                else _NO_CHECKSUMS,
            )
            for fields in fast
        ], False
    doc = _parse_xml(req.body)
    if not isinstance(doc, Mapping) or len(doc) != 1:
        return None, True
    ((root_name, root),) = doc.items()
    if _local(root_name) != "CompleteMultipartUpload":
        return None, True
    specs: list[CompletedPartSpec] = []
    for name, value in _children(root).items():
        if name != "Part":
            continue
        for part in value if isinstance(value, list) else [value]:
            specs.append(_spec(_children(part)))
    return specs, False


def _spec(fields: Mapping[str, Any]) -> CompletedPartSpec:
    """One ``<Part>``'s children (xmltodict values, or stripped text from the fast reader)."""
    number = _text(fields.get("PartNumber")) if "PartNumber" in fields else None
    etag = _text(fields.get("ETag")) if "ETag" in fields else None
    checksums = {
        k[len("Checksum") :].upper(): t
        for k, v in fields.items()
        if k.startswith("Checksum") and (t := _text(v)) is not None
    }
    return CompletedPartSpec(
        part_number=number.strip() if number is not None else None,
        etag=etag.strip() if etag is not None else None,
        checksums=checksums,
    )


def location_constraint(req: WireRequest) -> str | None:
    """Read CreateBucketConfiguration/LocationConstraint; ``None`` without one.

    Raises ``MalformedXML`` 400 for a body that is not a CreateBucketConfiguration document.
    """
    if not req.body.strip():
        return None
    doc = _parse_xml(req.body)
    if not isinstance(doc, Mapping) or len(doc) != 1:
        raise ServiceError(
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our "
            "published schema",
            400,
        )
    ((_, root),) = doc.items()
    value = _text(_children(root).get("LocationConstraint"))
    return value or None
