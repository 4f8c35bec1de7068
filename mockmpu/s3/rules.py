"""Shared S3 rules: limits, AWS error constructors, integer parsing, principals, key
encoding, checksum arithmetic and the ``bisect`` probes used on ``Bucket.index``.

Stdlib only; used by ``_s3`` (mutations) and ``_s3_listing`` (listings).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Union

from mockmpu.core.errors import ServiceError
from mockmpu.core.numbers import decimal
from mockmpu.core.state import Bucket, MpuState, Upload

__all__ = [
    "CHECKSUM_ALGORITHMS",
    "DEFAULT_REGION",
    "DT_MIN",
    "INT_RE",
    "INVALID_PART",
    "MALFORMED_XML",
    "MAX_PAGE",
    "MAX_PART_NUMBER",
    "MIN_PART_SIZE",
    "NO_SUCH_UPLOAD",
    "Principal",
    "RawInt",
    "check_non_negative",
    "composite_checksum",
    "crc32c",
    "etag_hex",
    "find_upload",
    "full_object_checksum",
    "get_bucket",
    "invalid_argument",
    "invalid_request",
    "malformed_xml",
    "no_such_bucket",
    "no_such_upload",
    "owner",
    "parse_int32",
    "successor",
    "url_encode",
    "verify_part_checksums",
]

#: Smallest size of every part but the last in a CompleteMultipartUpload (5 MiB).
MIN_PART_SIZE = 5 * 1024 * 1024
#: Part numbers run from 1 to this, inclusive.
MAX_PART_NUMBER = 10_000
#: Default and cap of ``max-parts``.
MAX_PAGE = 1000
INT32_MAX = 2**31 - 1
DEFAULT_REGION = "us-east-1"

RawInt = Union[int, str, None]
"""An integer parameter as a Python caller (``int``) or the wire (``str``) gives it."""

NO_SUCH_UPLOAD = (
    "The specified upload does not exist. The upload ID may be invalid, "
    "or the upload may have been aborted or completed."
)
INVALID_PART = (
    "One or more of the specified parts could not be found.  The part may not have been "
    "uploaded, or the specified entity tag may not match the part's entity tag."
)
MALFORMED_XML = (
    "The XML you provided was not well-formed or did not validate against our published schema"
)

#: ``x-amz-checksum-algorithm`` values CreateMultipartUpload accepts (recorded error text).
CHECKSUM_ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")


# ----------------------------------------------------------------------------------- principals


@dataclass(frozen=True)
class Principal:
    """An ``Owner`` / ``Initiator``: canonical user id and display name."""

    id: str
    display_name: str


def owner(state: MpuState) -> Principal:
    """Return the account's principal: a 64-hex canonical id derived from ``state.account_id``."""
    canonical = hashlib.sha256(f"mockmpu-canonical:{state.account_id}".encode()).hexdigest()
    return Principal(id=canonical, display_name="mockmpu")


# --------------------------------------------------------------------------------------- errors


def no_such_bucket(name: str) -> ServiceError:
    return ServiceError(
        "NoSuchBucket", "The specified bucket does not exist", 404, {"BucketName": name}
    )


def no_such_upload(upload_id: str) -> ServiceError:
    return ServiceError("NoSuchUpload", NO_SUCH_UPLOAD, 404, {"UploadId": upload_id})


def invalid_argument(message: str, name: str, value: str) -> ServiceError:
    return ServiceError(
        "InvalidArgument", message, 400, {"ArgumentName": name, "ArgumentValue": value}
    )


def invalid_request(message: str) -> ServiceError:
    return ServiceError("InvalidRequest", message, 400)


def malformed_xml() -> ServiceError:
    return ServiceError("MalformedXML", MALFORMED_XML, 400)


# ------------------------------------------------------------------------------------- integers

INT_RE = re.compile(r"[+-]?[0-9]+")


def parse_int32(value: RawInt, name: str, default: int) -> int:
    """Parse an integer query parameter the way S3 does; ``None`` and ``""`` give ``default``.

    Raises InvalidArgument (400) ``Provided <name> not an integer or within integer range``
    for text that is not a base-10 int32 (leading zeros are fine, blanks are not).
    """
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        parsed = value
        raw = str(value)
    else:
        raw = value
        parsed = decimal(raw) if INT_RE.fullmatch(raw) else INT32_MAX + 1
    if not -(2**31) <= parsed <= INT32_MAX:
        raise invalid_argument(f"Provided {name} not an integer or within integer range", name, raw)
    return parsed


def check_non_negative(value: int, name: str) -> None:
    """Raise InvalidArgument (400) ``Argument <name> must be an integer between 0 and ...``."""
    if value < 0:
        raise invalid_argument(
            f"Argument {name} must be an integer between 0 and {INT32_MAX}", name, str(value)
        )


def etag_hex(etag: str) -> str:
    """Return an ETag without its surrounding double quotes."""
    if len(etag) >= 2 and etag[0] == '"' and etag[-1] == '"':
        return etag[1:-1]
    return etag


def get_bucket(state: MpuState, name: str) -> Bucket:
    """Return the bucket or raise ``NoSuchBucket`` 404 (with BucketName)."""
    with state.lock:
        bucket = state.buckets.get(name)
        if bucket is None:
            raise no_such_bucket(name)
        return bucket


def find_upload(bucket: Bucket, key: str, upload_id: str) -> Upload:
    """Return the in-progress upload ``upload_id`` of ``key``, else ``NoSuchUpload`` 404."""
    upload = bucket.uploads.get(upload_id)
    if upload is None or upload.key != key:
        raise no_such_upload(upload_id)
    return upload


# ------------------------------------------------------------------------------------ checksums


#: Decoded sizes of the checksums S3 validates; others pass through unchecked.
_CHECKSUM_BYTES = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8, "SHA1": 20, "SHA256": 32}


def verify_part_checksums(body: bytes, checksums: Mapping[str, str]) -> None:
    """Check UploadPart checksums the way S3 does.

    A value that is not base64 of the algorithm's digest size is ``InvalidRequest`` 400 ``Value
    for x-amz-checksum-<alg> header is invalid.``; a CRC32, SHA1 or SHA256 that does not match
    the body is ``BadDigest`` 400 ``The <ALG> you specified did not match the calculated
    checksum.`` (both recorded, ``test_multipart_upload_part_checksum_exception[*]``). CRC32C and
    CRC64NVME values are checked for form only: the stdlib has no fast implementation of them.
    """
    for algorithm, value in checksums.items():
        size = _CHECKSUM_BYTES.get(algorithm)
        if size is None:
            continue
        try:
            raw = base64.b64decode(value, validate=True)
        except ValueError:
            raw = b""
        if len(raw) != size:
            raise invalid_request(
                f"Value for x-amz-checksum-{algorithm.lower()} header is invalid."
            )
        if algorithm == "CRC32":
            actual = zlib.crc32(body).to_bytes(4, "big")
        elif algorithm in ("SHA1", "SHA256"):
            actual = hashlib.new(algorithm.lower(), body).digest()
        else:
            continue
        if actual != raw:
            raise ServiceError(
                "BadDigest",
                f"The {algorithm} you specified did not match the calculated checksum.",
                400,
            )


def crc32c(data: bytes) -> int:
    """Return the CRC-32C (Castagnoli) of ``data``; used on short inputs only."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _CRC32C_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _crc32c_table() -> list[int]:
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC32C_TABLE = _crc32c_table()


def composite_checksum(algorithm: str, values: Sequence[str]) -> str:
    """Return a COMPOSITE object checksum: ``base64(H(concat of decoded part values))-N``."""
    raw = b"".join(base64.b64decode(v) for v in values)
    if algorithm == "SHA256":
        digest = hashlib.sha256(raw).digest()
    elif algorithm == "SHA1":
        digest = hashlib.sha1(raw).digest()
    elif algorithm == "CRC32":
        digest = zlib.crc32(raw).to_bytes(4, "big")
    else:  # CRC32C (CRC64NVME cannot be COMPOSITE)
        digest = crc32c(raw).to_bytes(4, "big")
    return f"{base64.b64encode(digest).decode('ascii')}-{len(values)}"


# -------------------------------------------------------------------------------------- probes


#: Sorts before every initiation time: ``(key, DT_MIN, -1, "")`` precedes every index entry of
#: ``key`` in ``Bucket.index``, so ``bisect_left`` on it finds the key's first upload.
DT_MIN = datetime.min.replace(tzinfo=timezone.utc)


def successor(prefix: bytes) -> bytes | None:
    """Return the smallest byte string above every string starting with ``prefix`` (or None)."""
    stripped = prefix.rstrip(b"\xff")
    if not stripped:
        return None
    return stripped[:-1] + bytes([stripped[-1] + 1])


# ------------------------------------------------------------------------------------ encoding


_URL_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.*/")
_URL_TABLE = tuple(
    chr(b) if b in _URL_SAFE else "+" if b == 0x20 else f"%{b:02X}" for b in range(256)
)


def url_encode(value: str) -> str:
    """Encode a key the way S3 does for ``encoding-type=url``.

    ``A-Z a-z 0-9 - _ . * /`` stay, a space becomes ``+``, every other UTF-8 byte ``%XX`` in
    upper-case hex (``~`` too). aws-semantics.md §1.7; matches the raw AWS capture in
    versity/versitygw issue #2156 (``(`` -> ``%28``, ``+`` -> ``%2B``, space -> ``+``).
    """
    return "".join(_URL_TABLE[b] for b in value.encode("utf-8"))


# Reflected polynomials of the CRCs S3 can combine into a FULL_OBJECT checksum (all three use
# init = xorout = all ones, so zlib's crc32_combine method applies to each).
_CRC_POLY = {
    "CRC32": (0xEDB88320, 32),
    "CRC32C": (0x82F63B78, 32),
    "CRC64NVME": (0x9A6C9329AC4BC9B5, 64),
}


def _gf2_times(matrix: tuple[int, ...], vector: int) -> int:
    total, i = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[i]
        vector >>= 1
        i += 1
    return total


def _gf2_product(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    # (a . b)(v) = a(b(v)): column i of the product is a applied to column i of b.
    return tuple(_gf2_times(a, column) for column in b)


@functools.lru_cache(maxsize=64)
def _zeros_operator(algorithm: str, length: int) -> tuple[int, ...]:
    """The GF(2) matrix that advances a CRC register over ``length`` zero bytes (cached)."""
    poly, width = _CRC_POLY[algorithm]
    one_bit = (poly, *tuple(1 << n for n in range(width - 1)))
    step = one_bit
    for _ in range(3):  # one zero byte = eight zero bits
        step = _gf2_product(step, step)
    result = tuple(1 << n for n in range(width))  # identity
    while length:
        if length & 1:
            result = _gf2_product(step, result)
        length >>= 1
        if length:
            step = _gf2_product(step, step)
    return result


def full_object_checksum(algorithm: str, parts: Sequence[tuple[str, int]]) -> str | None:
    """Combine per-part CRCs (base64, with each part's size) into the whole object's CRC.

    This is what a FULL_OBJECT upload's CompleteMultipartUpload reports: the CRC of the
    concatenated bytes, base64, with no ``-N`` suffix (recorded:
    ``test_complete_multipart_parts_checksum_full_object[CRC32|CRC32C|CRC64NVME]``). Returns
    ``None`` for algorithms that cannot be combined.
    """
    if algorithm not in _CRC_POLY:
        return None
    width = _CRC_POLY[algorithm][1]
    crc = 0
    for value, size in parts:
        part_crc = int.from_bytes(base64.b64decode(value), "big")
        crc = _gf2_times(_zeros_operator(algorithm, size), crc) ^ part_crc if size else crc
    return base64.b64encode(crc.to_bytes(width // 8, "big")).decode("ascii")
