"""S3 limits and digests: key, metadata, storage-class and size limits; part checksums,
Content-MD5, and the COMPOSITE / FULL_OBJECT object checksums of CompleteMultipartUpload.

Pure functions raising :class:`~mockmpu.core.errors.ServiceError`; the hashing itself is
``core.checksums``. Shared by ``s3.uploads`` and ``s3.completion``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence

from mockmpu.core.checksums import (
    COMBINABLE,
    DIGEST_SIZES,
    b64_checksum,
    crc_combiner,
    decode_checksum,
)
from mockmpu.core.errors import ServiceError
from mockmpu.s3.payload import PartPayload
from mockmpu.s3.rules import RawInt, invalid_request

__all__ = [
    "MAX_KEY_BYTES",
    "MAX_METADATA_BYTES",
    "MAX_OBJECT_SIZE",
    "MAX_PART_SIZE",
    "STORAGE_CLASSES",
    "check_object_request",
    "check_part_size",
    "composite_checksum",
    "entity_too_large",
    "full_object_checksum",
    "verify_part_checksums",
]

#: Longest object key, in UTF-8 bytes.
MAX_KEY_BYTES = 1024
#: Largest user metadata (``x-amz-meta-*`` names without the prefix, plus values), UTF-8 bytes.
MAX_METADATA_BYTES = 2048
#: Largest object, in bytes: 48.8 TiB, 10,000 parts of 5 GiB (User Guide, "Amazon S3 multipart
#: upload limits", qfacts.html; raised from 5 TiB in December 2025, translations still say 5 TiB).
MAX_OBJECT_SIZE = 10_000 * 5 * 1024**3
#: Storage classes a general purpose bucket takes (API reference, ``x-amz-storage-class``);
#: the model's others belong to other kinds of bucket: OUTPOSTS (S3 on Outposts), SNOW (Snow
#: Family), EXPRESS_ONEZONE (directory buckets), FSX_OPENZFS and FSX_ONTAP (FSx access points).
STORAGE_CLASSES = frozenset(
    {
        "STANDARD",
        "REDUCED_REDUNDANCY",
        "STANDARD_IA",
        "ONEZONE_IA",
        "INTELLIGENT_TIERING",
        "GLACIER",
        "DEEP_ARCHIVE",
        "GLACIER_IR",
    }
)


def check_object_request(
    key: str, storage_class: str | None, metadata: Mapping[str, str] | None
) -> None:
    """The limits S3 puts on a new object's request (CreateMultipartUpload, PutObject).

    Errors: ``KeyTooLongError`` 400 ``Your key is too long`` (``MaxSizeAllowed`` 1024, ``Size``
    in UTF-8 bytes) for a key over 1,024 bytes; ``MetadataTooLarge`` 400 ``Your metadata headers
    exceed the maximum allowed metadata size`` (``Size``, ``MaxSizeAllowed`` 2048) when the UTF-8
    bytes of the user metadata names and values pass 2 KB (User Guide, "Working with object
    metadata"; extras as versitygw issue #2086 quotes AWS); ``InvalidStorageClass`` 400 ``The
    storage class you specified is not valid`` (``StorageClassRequested``) for a class that is not
    a general purpose bucket's. Sources: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
    and https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html.
    """
    size = len(key.encode("utf-8"))
    if size > MAX_KEY_BYTES:
        raise ServiceError(
            "KeyTooLongError",
            "Your key is too long",
            400,
            {"MaxSizeAllowed": str(MAX_KEY_BYTES), "Size": str(size)},
        )
    if not metadata:
        meta = 0
    else:
        meta = sum(len(k.encode("utf-8")) + len(v.encode("utf-8")) for k, v in metadata.items())
    if meta > MAX_METADATA_BYTES:
        raise ServiceError(
            "MetadataTooLarge",
            "Your metadata headers exceed the maximum allowed metadata size",
            400,
            {"Size": str(meta), "MaxSizeAllowed": str(MAX_METADATA_BYTES)},
        )
    if storage_class is not None and storage_class not in STORAGE_CLASSES:
        raise ServiceError(
            "InvalidStorageClass",
            "The storage class you specified is not valid",
            400,
            {"StorageClassRequested": storage_class},
        )


#: The largest part UploadPart accepts, in bytes (5 GiB).
MAX_PART_SIZE = 5 * 1024**3


def check_part_size(declared: RawInt, size: int) -> None:
    """``EntityTooLarge`` 400 for a part over 5 GiB (the declared size, else the bytes read).

    Message and extras as AWS answered (quoted in versitygw issue #2041): ``Your proposed upload
    exceeds the maximum allowed size`` with ``ProposedSize`` and ``MaxSizeAllowed``.
    """
    proposed = size
    if isinstance(declared, int) and not isinstance(declared, bool):
        proposed = max(proposed, declared)
    elif isinstance(declared, str) and declared.strip().isdigit():
        proposed = max(proposed, int(declared.strip()))
    if proposed > MAX_PART_SIZE:
        raise entity_too_large(proposed, MAX_PART_SIZE)


def entity_too_large(proposed: int, maximum: int) -> ServiceError:
    """``EntityTooLarge`` 400 with ``ProposedSize`` and ``MaxSizeAllowed`` (bytes)."""
    return ServiceError(
        "EntityTooLarge",
        "Your proposed upload exceeds the maximum allowed size",
        400,
        {"ProposedSize": str(proposed), "MaxSizeAllowed": str(maximum)},
    )


def verify_part_checksums(
    payload: PartPayload, checksums: Mapping[str, str], content_md5: bytes | None = None
) -> None:
    """Check UploadPart's ``Content-MD5`` and ``x-amz-checksum-*`` values the way S3 does.

    A checksum that is not base64 of the algorithm's digest size is ``InvalidRequest`` 400
    ``Value for x-amz-checksum-<alg> header is invalid.`` (recorded,
    ``test_multipart_upload_part_checksum_exception[*]``). Then a ``Content-MD5`` (binary, already
    checked for form) that differs from the payload's MD5 is ``BadDigest`` 400 ``The Content-MD5
    you specified did not match what we received.`` with ``CalculatedDigest`` (base64 of what was
    received) and ``ExpectedDigest`` (hex of what was sent), in the order AWS sent them in
    versitygw issue #2034. Then a checksum that differs from the payload's is ``BadDigest`` 400
    ``The <ALG> you specified did not match the calculated checksum.`` (recorded for CRC32, SHA1
    and SHA256; the same wording is used for every algorithm). ``payload.computed`` must hold
    every algorithm in ``checksums`` (the codec asks for them before reading the body).
    """
    decoded: dict[str, bytes] = {}
    for algorithm, value in checksums.items():
        if algorithm not in DIGEST_SIZES:
            continue
        raw = decode_checksum(algorithm, value)
        if raw is None:
            raise invalid_request(
                f"Value for x-amz-checksum-{algorithm.lower()} header is invalid."
            )
        decoded[algorithm] = raw
    if content_md5 is not None and content_md5 != payload.md5:
        raise ServiceError(
            "BadDigest",
            "The Content-MD5 you specified did not match what we received.",
            400,
            {
                "CalculatedDigest": base64.b64encode(payload.md5).decode("ascii"),
                "ExpectedDigest": content_md5.hex(),
            },
        )
    for algorithm, raw in decoded.items():
        actual = payload.computed.get(algorithm)
        if actual is None or base64.b64decode(actual) != raw:
            raise ServiceError(
                "BadDigest",
                f"The {algorithm} you specified did not match the calculated checksum.",
                400,
            )


def composite_checksum(algorithm: str, values: Sequence[str]) -> str:
    """Return a COMPOSITE object checksum: ``base64(H(concat of decoded part values))-N``."""
    raw = b"".join(base64.b64decode(v) for v in values)
    return f"{b64_checksum(algorithm, raw)}-{len(values)}"


def full_object_checksum(algorithm: str, parts: Sequence[tuple[str, int]]) -> str | None:
    """Combine per-part CRCs (base64, with each part's size) into the whole object's CRC.

    This is what a FULL_OBJECT upload's CompleteMultipartUpload reports: the CRC of the
    concatenated bytes, base64, with no ``-N`` suffix (recorded:
    ``test_complete_multipart_parts_checksum_full_object[CRC32|CRC32C|CRC64NVME]``). Returns
    ``None`` for algorithms that cannot be combined.
    """
    if algorithm not in COMBINABLE:
        return None
    combine = crc_combiner(algorithm)
    crc = 0
    for value, size in parts:
        if size:
            crc = combine(crc, int.from_bytes(binascii.a2b_base64(value), "big"), size)
    digest = crc.to_bytes(DIGEST_SIZES[algorithm], "big")
    return base64.b64encode(digest).decode("ascii")
