"""S3 request parsing: what the wire codec reads out of a :class:`~mockmpu._wire.WireRequest`.

``Bucket``/``Key`` are the URI labels the dispatcher read from the host and path; list
parameters come from the real query string, so values botocore would refuse (``max-uploads=abc``
with validation off) reach the semantics layer and get AWS's answer. Bodies: ``aws-chunked``
framing is removed (keeping trailer checksums), and the CompleteMultipartUpload /
CreateBucketConfiguration XML is read with xmltodict, tolerant of child order, namespaces and an
absent body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import xmltodict

from mockmpu.core.errors import ServiceError
from mockmpu.core.wire import WireRequest
from mockmpu.s3.complete_body import fast_complete_fields
from mockmpu.s3.semantics import CompletedPartSpec

__all__ = [
    "bucket_of",
    "checksum_header",
    "complete_parts",
    "decode_aws_chunked",
    "header_checksums",
    "key_of",
    "location_constraint",
    "part_body",
]

_CHECKSUM_PREFIX = "x-amz-checksum-"
_NOT_CHECKSUMS = frozenset({"algorithm", "type", "mode"})


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


def _incomplete_body() -> ServiceError:
    return ServiceError("IncompleteBody", "The request body terminated unexpectedly", 400)


def decode_aws_chunked(body: bytes) -> tuple[bytes, dict[str, str]]:
    """Undo ``Content-Encoding: aws-chunked``; return the payload and the trailer fields.

    Frames are ``<hex size>[;chunk-signature=...]\\r\\n<data>\\r\\n``, ended by a zero-size
    frame, trailer lines ``name:value\\r\\n`` and an empty line (``botocore.httpchecksum.
    AwsChunkedWrapper``). Truncated or garbled framing raises ``IncompleteBody`` 400.
    """
    payload = bytearray()
    trailers: dict[str, str] = {}
    pos = 0
    while True:
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            raise _incomplete_body()
        size_text = body[pos:eol].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise _incomplete_body() from None
        pos = eol + 2
        if size == 0:
            break
        if size < 0 or pos + size + 2 > len(body) or body[pos + size : pos + size + 2] != b"\r\n":
            raise _incomplete_body()
        payload += body[pos : pos + size]
        pos += size + 2
    while pos < len(body):
        eol = body.find(b"\r\n", pos)
        line = body[pos:] if eol < 0 else body[pos:eol]
        pos = len(body) if eol < 0 else eol + 2
        if not line:
            break
        name, sep, value = line.decode("utf-8", "replace").partition(":")
        if sep:
            trailers[name.strip().lower()] = value.strip()
    return bytes(payload), trailers


def part_body(req: WireRequest) -> tuple[bytes, dict[str, str]]:
    """Return UploadPart's decoded payload and the checksums sent (``{"CRC32": "NhCmhg=="}``).

    Over https botocore sends ``aws-chunked`` with the checksum in a trailer; over http the body
    is raw and the checksum is a header. Both are accepted.
    """
    encodings = [e.strip().lower() for e in req.headers.get("content-encoding", "").split(",")]
    chunked = "aws-chunked" in encodings or req.headers.get("x-amz-content-sha256", "").startswith(
        "STREAMING-"
    )
    body = req.body
    fields = dict(req.headers)
    if chunked:
        body, trailers = decode_aws_chunked(body)
        fields.update(trailers)
    return body, header_checksums(fields)


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
    fast = fast_complete_fields(req.body)
    if fast is not None:  # texts already stripped, each name once: what _spec makes of them
        return [
            CompletedPartSpec(
                part_number=fields.get("PartNumber"),
                etag=fields.get("ETag"),
                checksums={
                    k[len("Checksum") :].upper(): v
                    for k, v in fields.items()
                    if k.startswith("Checksum")
                },
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
