"""Reading back what multipart wrote: S3 HeadObject and GetObject semantics, pure functions.

Objects exist here only when CompleteMultipartUpload made them (``bucket.objects``). A read
names the object, then optionally a byte ``Range`` or a ``partNumber``, conditional headers and
the checksum mode; :func:`read_object` checks them in AWS's order and returns an
:class:`ObjectRead` (what to send) or raises :class:`ServiceError`.

Errors (S3 API reference, GetObject and HeadObject; codes, statuses and messages as recorded in
LocalStack's AWS-validated snapshots and moto's exceptions): ``NoSuchBucket`` 404;
``NoSuchKey`` 404 ``The specified key does not exist.`` (with Key); ``InvalidArgument`` 400 for
a part number that is not an integer from 1 to 10000; ``InvalidRequest`` 400 when both a range
and a part number are given; ``PreconditionFailed`` 412 (with Condition: ``If-Match`` or
``If-Unmodified-Since``); 304 Not Modified (``If-None-Match`` / ``If-Modified-Since``);
``InvalidPartNumber`` 416 (with PartNumberRequested, ActualPartCount); ``InvalidRange`` 416
(with RangeRequested, ActualObjectSize). ``Last-Modified``, and what the conditional headers
compare with, is the time the upload was initiated ("For multipart uploads, the object creation
date is the date of initiation of the multipart upload", S3 User Guide, UsingMetadata.html); an
``If-Modified-Since`` later than the mock clock's now is ignored (RFC 9110 13.1.3; LocalStack's
AWS recording ``obj-ignore-future-modified-since``).

Source: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html and
https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html; conditional requests:
RFC 9110 section 13.2.2 (the order S3 follows, as its GetObject page describes).

Not modelled: objects written any other way (PutObject, CopyObject), versions, SSE-C,
``response-*`` overrides, ``x-amz-expected-bucket-owner``, requester pays, restores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from mockmpu.core.bodies import body_range
from mockmpu.core.errors import MockmpuError, ServiceError
from mockmpu.core.state import CompletedObject, MpuState, Part
from mockmpu.s3.rules import INT_RE, MAX_PART_NUMBER, get_bucket, invalid_argument, invalid_request

__all__ = ["NOT_MODIFIED", "ObjectRead", "read_bytes", "read_object"]

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
#: The status of a read whose conditions say the client's copy is current.
NOT_MODIFIED = 304


@dataclass(frozen=True)
class ObjectRead:
    """What a HeadObject/GetObject answers: the object, the byte span and its headers' inputs.

    ``start``/``end`` are the first and last byte (inclusive) sent; ``partial`` says 206 with a
    ``Content-Range``; ``parts_count`` is set for part-number reads; ``checksum`` is the
    ``(algorithm, value, type)`` to send with ``ChecksumMode=ENABLED`` (``None``: none).
    ``status`` is 304 when a condition says the client's copy is current (no body, no
    ``Content-*`` headers).
    """

    object: CompletedObject
    status: int
    start: int
    end: int
    partial: bool = False
    parts_count: int | None = None
    checksum: tuple[str, str, str] | None = None

    @property
    def length(self) -> int:
        return max(0, self.end - self.start + 1)


def _seconds(value: datetime) -> datetime:
    return value.astimezone(timezone.utc).replace(microsecond=0)


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None  # an unparsable date is ignored, as HTTP says
    if parsed is None:  # pragma: no cover - Python 3.9 returns None for some bad input
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _etag_matches(header: str, etag: str) -> bool:
    wanted = etag.strip('"')
    for item in header.split(","):
        tag = item.strip()
        if tag == "*" or tag.removeprefix("W/").strip('"') == wanted:
            return True
    return False


def _conditions(
    obj: CompletedObject,
    if_match: str | None,
    if_none_match: str | None,
    if_modified_since: str | None,
    if_unmodified_since: str | None,
    now: datetime,
) -> bool:
    """Check the conditional headers; return True for 304 Not Modified, raise 412.

    An ``If-Modified-Since`` later than ``now`` is ignored (RFC 9110 section 13.1.3: "the
    recipient MUST ignore the If-Modified-Since header field if ... the field value is a date
    later than the server's current time"; LocalStack's AWS recording
    ``obj-ignore-future-modified-since``).
    """
    modified = _seconds(obj.last_modified)
    if if_match is not None:
        if not _etag_matches(if_match, obj.etag):
            raise _precondition("If-Match")
    else:
        since = _date(if_unmodified_since)
        if since is not None and modified > since:
            raise _precondition("If-Unmodified-Since")
    if if_none_match is not None:
        return _etag_matches(if_none_match, obj.etag)
    since = _date(if_modified_since)
    return since is not None and modified <= since <= now


def _precondition(condition: str) -> ServiceError:
    return ServiceError(
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        412,
        {"Condition": condition},
    )


def _part_number(raw: str) -> int:
    message = f"Part number must be an integer between 1 and {MAX_PART_NUMBER}, inclusive"
    if not INT_RE.fullmatch(raw) or len(raw) > 6 or not 1 <= int(raw) <= MAX_PART_NUMBER:
        raise invalid_argument(message, "partNumber", raw)
    return int(raw)


def _span(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive byte span a ``Range`` header asks for; ``None``: ignore it (whole object)."""
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None  # not one bytes range (several ranges, other units, bad syntax): ignored
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last N bytes
        count = _offset(last)
        if count == 0 or size == 0:
            raise _invalid_range(header, size)
        return max(0, size - count), size - 1
    start = _offset(first)
    end = _offset(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        raise _invalid_range(header, size)
    return start, min(end, size - 1)


def _offset(digits: str) -> int:
    # A byte offset of any length (CPython's int() refuses over 4,300 digits): anything past
    # 2**63 is beyond every object, which is all the comparisons need.
    return int(digits) if len(digits) <= 19 else 2**63


def _invalid_range(header: str, size: int) -> ServiceError:
    return ServiceError(
        "InvalidRange",
        "The requested range is not satisfiable",
        416,
        {"RangeRequested": header, "ActualObjectSize": str(size)},
    )


def read_object(
    state: MpuState,
    bucket: str,
    key: str,
    *,
    range_header: str | None = None,
    part_number: str | None = None,
    if_match: str | None = None,
    if_none_match: str | None = None,
    if_modified_since: str | None = None,
    if_unmodified_since: str | None = None,
    checksum_mode: str | None = None,
) -> ObjectRead:
    """Decide what a HeadObject/GetObject of ``key`` answers (see the module docstring).

    ``range_header`` is the raw ``Range`` header (``bytes=0-99``, ``bytes=100-``, ``bytes=-5``);
    ``part_number`` the raw ``partNumber`` query value; the conditional headers are raw header
    values; ``checksum_mode`` is ``x-amz-checksum-mode`` (``ENABLED`` returns the checksum: the
    object's for a whole read, a COMPOSITE upload's part checksum for a part read, a FULL_OBJECT
    object's own for a part read whose part is the whole object, none for a range). Sizes and
    offsets are bytes; times UTC, compared to the second.
    """
    with state.lock:
        b = get_bucket(state, bucket)
        obj = b.objects.get(key)
        if obj is None:
            raise ServiceError("NoSuchKey", "The specified key does not exist.", 404, {"Key": key})
    number = _part_number(part_number) if part_number is not None else None
    if number is not None and range_header:
        raise invalid_request("Cannot specify both Range header and partNumber query parameter")
    now = state.clock.now()
    if _conditions(obj, if_match, if_none_match, if_modified_since, if_unmodified_since, now):
        return ObjectRead(obj, NOT_MODIFIED, 0, -1)
    enabled = (checksum_mode or "").upper() == "ENABLED"
    if number is not None:
        if number > obj.part_count:
            raise ServiceError(
                "InvalidPartNumber",
                "The requested partnumber is not satisfiable",
                416,
                {"PartNumberRequested": str(number), "ActualPartCount": str(obj.part_count)},
            )
        start = sum(p.size for p in obj.parts[: number - 1])
        part = obj.parts[number - 1]
        checksum = None
        alg = obj.checksum_algorithm
        if enabled and alg and obj.checksum_type == "COMPOSITE" and alg in part.checksums:
            checksum = (alg, part.checksums[alg], "COMPOSITE")
        elif (
            enabled
            and alg
            and obj.checksum
            and obj.checksum_type == "FULL_OBJECT"
            and part.size == obj.size
        ):
            # A part that is the whole object carries the object's checksum (recorded:
            # test_get_object_part_checksum[FULL_OBJECT]); a smaller part none (recorded:
            # test_get_object_part/get-object-part-with-checksum).
            checksum = (alg, obj.checksum, "FULL_OBJECT")
        return ObjectRead(obj, 206, start, start + part.size - 1, True, obj.part_count, checksum)
    span = _span(range_header, obj.size) if range_header else None
    if span is not None:
        return ObjectRead(obj, 206, span[0], span[1], True)
    checksum = None
    if enabled and obj.checksum_algorithm and obj.checksum and obj.checksum_type:
        checksum = (obj.checksum_algorithm, obj.checksum, obj.checksum_type)
    return ObjectRead(obj, 200, 0, obj.size - 1, checksum=checksum)


def read_bytes(read: ObjectRead) -> bytes:
    """The bytes ``read`` covers, gathered from the kept part bodies.

    Raises :class:`MockmpuError` when the object's part bodies were not kept
    (``keep_bodies=False``, or parts imported from a listing).
    """
    obj = read.object
    if read.length == 0:
        return b""
    chunks: list[bytes] = []
    offset = 0
    parts: list[Part] = obj.parts
    for part in parts:
        first, last = offset, offset + part.size - 1
        offset += part.size
        if last < read.start or first > read.end:
            continue
        if part.body is None:
            raise MockmpuError(
                f"s3://{obj.bucket}/{obj.key} was completed without its part bodies "
                "(keep_bodies=False, or parts imported from a listing), so GetObject cannot "
                "return its bytes; keep bodies (the default) to read objects back."
            )
        lo = max(read.start, first) - first
        hi = min(read.end, last) - first + 1
        chunks.append(body_range(part.body, lo, hi))
    return b"".join(chunks)
