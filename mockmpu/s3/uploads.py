"""S3 multipart-upload semantics: CreateMultipartUpload, UploadPart, AbortMultipartUpload.

Pure functions over :class:`~mockmpu.core.state.MpuState` raising
:class:`~mockmpu.core.errors.ServiceError`; also the arrange helpers (bulk creation, part
import). Re-exported by :mod:`mockmpu.s3.semantics`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime

from mockmpu.core.bodies import store_body
from mockmpu.core.checksums import DIGEST_SIZES, b64_checksum, decode_checksum
from mockmpu.core.errors import MockmpuError, ServiceError
from mockmpu.core.numbers import decimal
from mockmpu.core.state import MpuState, Part, Upload
from mockmpu.s3.limits import check_object_request, check_part_size, verify_part_checksums
from mockmpu.s3.payload import PartPayload
from mockmpu.s3.rules import (
    CHECKSUM_ALGORITHMS,
    INT_RE,
    MAX_PART_NUMBER,
    RawInt,
    etag_hex,
    find_upload,
    get_bucket,
    invalid_argument,
    invalid_request,
    no_such_bucket,
)


def create_multipart_upload(
    state: MpuState,
    bucket: str,
    key: str,
    *,
    checksum_algorithm: str | None = None,
    checksum_type: str | None = None,
    storage_class: str | None = None,
    content_type: str | None = None,
    metadata: Mapping[str, str] | None = None,
    initiated: datetime | None = None,
    upload_id: str | None = None,
) -> Upload:
    """Start a multipart upload of ``key`` (models S3 CreateMultipartUpload); return it.

    The upload gets a fresh URL-safe id and ``initiated`` (default: the state clock); uploads
    list in (key UTF-8 bytes, initiation time, creation order). With ``checksum_algorithm``
    the checksum type defaults to ``FULL_OBJECT`` for CRC64NVME and ``COMPOSITE`` otherwise.
    ``upload_id`` replaces the generated id (imports of real listings keep AWS's ids verbatim;
    no id is drawn then); an id already in progress in the bucket raises ``MockmpuError``.

    Errors: ``NoSuchBucket`` 404; then the request limits of :func:`check_object_request`
    (``KeyTooLongError``, ``MetadataTooLarge``, ``InvalidStorageClass``, all 400);
    ``InvalidRequest`` 400 for an unknown checksum algorithm, a checksum type without an
    algorithm, ``COMPOSITE`` with CRC64NVME or ``FULL_OBJECT`` with SHA1/SHA256 (all recorded,
    LocalStack ``TestS3MultipartUploadChecksum``). Whether AWS checks the request limits before
    the bucket is not recorded.

    Source: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html

    Not modelled: SSE, ACLs, tagging, object lock, lifecycle abort dates.
    """
    with state.lock:
        b = state.buckets.get(bucket)  # get_bucket, inline: arranging calls this per upload
        if b is None:
            raise no_such_bucket(bucket)
        check_object_request(key, storage_class, metadata)
        algorithm: str | None = None
        ctype: str | None = None
        if checksum_algorithm:
            algorithm = checksum_algorithm.upper()
            if algorithm not in CHECKSUM_ALGORITHMS:
                raise invalid_request(
                    "Checksum algorithm provided is unsupported. Please try again with any of "
                    "the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"
                )
            ctype = checksum_type or ("FULL_OBJECT" if algorithm == "CRC64NVME" else "COMPOSITE")
            if (ctype == "COMPOSITE" and algorithm == "CRC64NVME") or (
                ctype == "FULL_OBJECT" and algorithm in ("SHA1", "SHA256")
            ):
                raise invalid_request(
                    f"The {ctype} checksum type cannot be used with the {algorithm.lower()} "
                    "checksum algorithm."
                )
        elif checksum_type:
            raise invalid_request(
                "The x-amz-checksum-type header can only be used with the "
                "x-amz-checksum-algorithm header."
            )
        if upload_id is not None and upload_id in b.uploads:
            raise MockmpuError(
                f"Upload {upload_id!r} is already in progress in bucket {bucket!r}; import or "
                "create each upload once."
            )
        upload = Upload(
            bucket,
            key,
            upload_id if upload_id is not None else state.ids.s3_upload_id(),
            initiated if initiated is not None else state.clock.now(),
            state.next_seq(),
            storage_class or "STANDARD",
            algorithm,
            ctype,
            content_type,
        )
        if metadata:
            upload.metadata = dict(metadata)
        b.add_upload(upload)
        return upload


def create_multipart_uploads(
    state: MpuState, bucket: str, items: Iterable[tuple[str, datetime]]
) -> list[Upload]:
    """Create many default uploads at once: ``(key, initiated)`` pairs, in creation order.

    The same result, ids included, as calling :func:`create_multipart_upload` once per pair with
    no other option (ids are drawn and sequence numbers taken in the same order), but the bucket's
    listing index is sorted once instead of once per upload, so scenario builders can lay out
    100,000 uploads in well under a second. For arranging state, not a wire operation.

    Errors: ``NoSuchBucket`` 404.

    Not modelled: the per-upload options of :func:`create_multipart_upload`.
    """
    with state.lock:
        b = get_bucket(state, bucket)
        pairs = list(items)
        ids = state.ids.s3_upload_ids(len(pairs))
        seqs = state.next_seqs(len(pairs))
        created = [
            Upload(bucket, key, upload_id, when, seq)
            for (key, when), upload_id, seq in zip(pairs, ids, seqs)
        ]
        b.add_uploads(created)
        return created


def part_algorithms(
    state: MpuState, bucket: str, upload_id: str, sent: Iterable[str] = ()
) -> set[str]:
    """The checksums UploadPart computes for a part of ``upload_id``: those ``sent`` (header or
    announced trailer), the upload's algorithm, and CRC64NVME for uploads created without one
    (S3's default full-object checksum). Read before hashing, so hashing needs no lock."""
    wanted = {a.upper() for a in sent}
    with state.lock:
        b = state.buckets.get(bucket)
        upload = b.uploads.get(upload_id) if b is not None else None
        algorithm = upload.checksum_algorithm if upload is not None else None
    wanted.add(algorithm or "CRC64NVME")
    return wanted


def upload_part(
    state: MpuState,
    bucket: str,
    key: str,
    upload_id: str,
    part_number: RawInt,
    body: bytes | PartPayload,
    *,
    checksums: Mapping[str, str] | None = None,
    md5: bytes | None = None,
    content_md5: str | None = None,
    content_length: RawInt = None,
) -> Part:
    """Store one part (models S3 UploadPart); return it. Re-uploading a number overwrites it.

    ``body`` is the decoded payload: bytes, or a :class:`~mockmpu.s3.payload.PartPayload` the
    codec already streamed and hashed (outside the state lock). ``checksums`` maps algorithm
    (``"CRC32"`` ...) to the base64 value sent (header or aws-chunked trailer), echoed back as
    is. ``md5`` may carry the bytes' precomputed binary MD5 (trusted; used by arrange helpers).
    ``content_md5`` is the ``Content-MD5`` header; ``content_length`` the declared decoded size
    (``x-amz-decoded-content-length`` or ``Content-Length``), checked before the body is read.
    The part's ETag is the quoted hex MD5 of the payload; its size is the payload's, in bytes.
    Uploads created without a checksum algorithm also get the part's CRC64NVME (``Part.crc64nvme``),
    from which CompleteMultipartUpload computes S3's default full-object checksum.

    Errors, in this order: ``NoSuchBucket`` 404; ``NoSuchUpload`` 404 (with UploadId) for an
    unknown id, a finished upload or the **wrong key** (recorded ``upload-exc``,
    ``upload-part-wrong-key-name``); ``InvalidArgument`` 400 ``Part number must be an integer
    between 1 and 10000, inclusive`` (ArgumentName=partNumber, recorded for -1);
    ``EntityTooLarge`` 400 ``Your proposed upload exceeds the maximum allowed size`` (ProposedSize,
    MaxSizeAllowed 5368709120) over 5 GiB (versitygw issue #2041 quotes AWS);
    ``InvalidDigest`` 400 ``The Content-MD5 you specified was invalid.`` (with ``Content-MD5``)
    for a Content-MD5 that is not base64 of 16 bytes; ``InvalidRequest`` 400 ``Checksum Type
    mismatch occurred, ...`` when the upload has a checksum algorithm and the part carries
    another one (recorded); ``InvalidRequest`` 400 ``Value for x-amz-checksum-<alg> header is
    invalid.`` for a value that is not base64 of the digest size (recorded); ``BadDigest`` 400
    ``The Content-MD5 you specified did not match what we received.`` with
    ``CalculatedDigest`` (base64) and ``ExpectedDigest`` (hex of the value sent), as AWS answered
    in versitygw issue #2034 and dandi-cli issue #1257; ``BadDigest`` 400 ``The <ALG> you
    specified did not match the calculated checksum.`` for every algorithm (recorded for CRC32,
    SHA1, SHA256; CRC32C and CRC64NVME are computed with awscrt as botocore does). The order of
    upload lookup, part-number and digest checks on AWS is not recorded; LocalStack's is used.

    Source: https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html

    Not modelled: SSE-C, request payer, ``x-amz-expected-bucket-owner``.
    """
    sent = {alg.upper(): value for alg, value in (checksums or {}).items()}
    if isinstance(body, PartPayload):
        payload = body
    else:
        data = bytes(body)
        wanted = part_algorithms(state, bucket, upload_id, sent)
        if md5 is None:
            payload = PartPayload.of(data, wanted, keep=state.keep_bodies)
        else:
            computed = {a: b64_checksum(a, data) for a in wanted if a in DIGEST_SIZES}
            kept = data if state.keep_bodies else None
            payload = PartPayload(len(data), md5, computed, body=kept)
    with state.lock:
        b = get_bucket(state, bucket)
        upload = find_upload(b, key, upload_id)
        number = _part_number(part_number)
        check_part_size(content_length, payload.size)
        expected_md5 = _content_md5(content_md5)
        if upload.checksum_algorithm is not None:
            others = [alg for alg in sent if alg != upload.checksum_algorithm]
            if others:
                raise invalid_request(
                    "Checksum Type mismatch occurred, expected checksum Type: "
                    f"{upload.checksum_algorithm.lower()}, actual checksum Type: "
                    f"{others[0].lower()}"
                )
        verify_part_checksums(payload, sent, expected_md5)
        part = Part(
            part_number=number,
            size=payload.size,
            etag=f'"{payload.md5.hex()}"',
            md5=payload.md5,
            last_modified=state.clock.now(),
            checksums=sent,
            body=payload.body if payload.kept else store_body(state, payload.body, payload.md5),
            crc64nvme=(
                payload.computed.get("CRC64NVME") if upload.checksum_algorithm is None else None
            ),
        )
        upload.put_part(part)
        return part


def _content_md5(value: str | None) -> bytes | None:
    if value is None:
        return None
    raw = decode_checksum("MD5", value.strip())
    if raw is None:
        raise ServiceError(
            "InvalidDigest",
            "The Content-MD5 you specified was invalid.",
            400,
            {"Content-MD5": value},
        )
    return raw


_MD5_HEX = re.compile(r"[0-9a-fA-F]{32}")


def import_part(
    state: MpuState,
    bucket: str,
    key: str,
    upload_id: str,
    part_number: RawInt,
    *,
    size: int,
    etag: str,
    last_modified: datetime,
    checksums: Mapping[str, str] | None = None,
) -> Part:
    """Record a part known only from a ListParts listing (no body); return it.

    For imports of ``aws s3api list-parts`` output: ``size`` in bytes, ``etag`` as listed
    (``"<32 hex>"``, quoted or not; its digits become the part's MD5, so a later
    CompleteMultipartUpload computes the object ETag AWS would), ``last_modified`` as listed
    (timezone-aware), ``checksums`` mapping algorithm (``"CRC32"``) to the base64 value listed,
    kept as given. Re-importing a part number overwrites it, as UploadPart does.

    Errors: ``NoSuchBucket`` 404, ``NoSuchUpload`` 404 and ``InvalidArgument`` 400 (part number)
    as :func:`upload_part`; ``MockmpuError`` for an ETag that is not 32 hex digits or a negative
    size.

    Not modelled: the part's bytes (the completed object's ``body`` is ``None``); checksums
    are not checked against anything.
    """
    with state.lock:
        b = get_bucket(state, bucket)
        upload = find_upload(b, key, upload_id)
        number = _part_number(part_number)
        digits = etag_hex(etag)
        if not _MD5_HEX.fullmatch(digits):
            raise MockmpuError(
                f"Part {number}'s ETag {etag!r} is not an MD5 (32 hex digits, quoted); import "
                "the ETag exactly as ListParts listed it."
            )
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise MockmpuError(
                f"Part {number}'s Size must be a whole number of bytes, not {size!r}."
            )
        part = Part(
            part_number=number,
            size=size,
            etag=f'"{digits}"',
            md5=bytes.fromhex(digits),
            last_modified=last_modified,
            checksums={alg.upper(): value for alg, value in (checksums or {}).items()},
        )
        upload.put_part(part)
        return part


def _part_number(value: RawInt) -> int:
    message = f"Part number must be an integer between 1 and {MAX_PART_NUMBER}, inclusive"
    raw = "" if value is None else str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and INT_RE.fullmatch(value):
        number = decimal(value)
    else:
        raise invalid_argument(message, "partNumber", raw)
    if not 1 <= number <= MAX_PART_NUMBER:
        raise invalid_argument(message, "partNumber", raw)
    return number


def abort_multipart_upload(state: MpuState, bucket: str, key: str, upload_id: str) -> Upload:
    """Discard an in-progress upload and its parts (models S3 AbortMultipartUpload).

    Returns the aborted upload. On the wire the answer is 204 with an empty body.

    Errors: ``NoSuchBucket`` 404; ``NoSuchUpload`` 404 (with UploadId) for an unknown id, the
    wrong key, or an upload already aborted or completed (recorded ``abort-exc``,
    ``abort-multipart-wrong-key-name``).

    Source: https://docs.aws.amazon.com/AmazonS3/latest/API/API_AbortMultipartUpload.html

    Not modelled: ``x-amz-if-match-initiated-time``, request-payer headers.
    """
    with state.lock:
        b = get_bucket(state, bucket)
        upload = find_upload(b, key, upload_id)
        b.remove_upload(upload)
        return upload
