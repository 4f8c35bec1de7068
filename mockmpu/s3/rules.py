"""Shared S3 rules: limits, AWS error constructors, integer parsing, principals, key
encoding, checksum arithmetic and the ``bisect`` probes used on ``Bucket.index``.

Stdlib only; used by the S3 semantics (mutations) and ``s3.listing`` (listings).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Union

from mockmpu.core.errors import ServiceError
from mockmpu.core.numbers import decimal
from mockmpu.core.state import Bucket, MpuState, Upload

__all__ = [
    "CHECKSUM_ALGORITHMS",
    "DEFAULT_REGION",
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
    "etag_hex",
    "find_upload",
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


# -------------------------------------------------------------------------------------- probes


#: The largest code point: no string starting with ``prefix`` sorts above ``prefix`` + this
#: character, then the next one.
_MAX_CHAR = chr(0x10FFFF)


def successor(prefix: str) -> str | None:
    """Return the smallest string above every string starting with ``prefix`` (or None).

    ``Bucket.index`` keys are ``str`` in code point order (the UTF-8 byte order S3 lists in), so
    ``bisect_left((key,))`` finds the first upload of ``key`` and ``bisect_left((successor(p),))``
    the first upload past every key starting with ``p``.
    """
    stripped = prefix.rstrip(_MAX_CHAR)
    if not stripped:
        return None
    return stripped[:-1] + chr(ord(stripped[-1]) + 1)


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
