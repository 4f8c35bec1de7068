"""S3 CompleteMultipartUpload semantics: ETags, object checksums, conditional writes.

A pure function over :class:`~mockmpu.core.state.MpuState` raising
:class:`~mockmpu.core.errors.ServiceError`, with its result type (the part list and its checks:
:mod:`mockmpu.s3.complete_parts`). Re-exported by
:mod:`mockmpu.s3.semantics`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mockmpu.core.errors import ServiceError
from mockmpu.core.state import Bucket, CompletedObject, MpuState, Part, Upload
from mockmpu.s3.complete_parts import CompletedPartSpec, checked_parts, plain_chosen, upper_keys
from mockmpu.s3.limits import (
    MAX_OBJECT_SIZE,
    composite_checksum,
    entity_too_large,
    full_object_checksum,
)
from mockmpu.s3.rules import (
    RawInt,
    etag_hex,
    get_bucket,
    invalid_request,
    no_such_upload,
)


@dataclass(frozen=True)
class CompleteMultipartUploadResult:
    """The object a CompleteMultipartUpload produced (``object.etag`` is ``"<hex>-N"``).

    ``checksum_algorithm`` / ``checksum`` / ``checksum_type`` are set for COMPOSITE uploads.
    """

    object: CompletedObject
    checksum_algorithm: str | None = None
    checksum: str | None = None
    checksum_type: str | None = None


def complete_multipart_upload(
    state: MpuState,
    bucket: str,
    key: str,
    upload_id: str,
    parts: Sequence[CompletedPartSpec] | None,
    *,
    malformed: bool = False,
    checksum_type: str | None = None,
    checksums: Mapping[str, str] | None = None,
    mpu_object_size: RawInt = None,
    if_none_match: str | None = None,
    if_match: str | None = None,
) -> CompleteMultipartUploadResult:
    """Assemble the listed parts into an object (models S3 CompleteMultipartUpload).

    ``parts`` is the request's part list, or ``None`` when the request had no body; ``malformed``
    says the body was not parsable XML. ``checksum_type``, ``checksums`` (algorithm -> base64
    whole-object value) and ``mpu_object_size`` are the optional ``x-amz-checksum-type``,
    ``x-amz-checksum-<alg>`` and ``x-amz-mp-object-size`` request headers; ``if_none_match``
    and ``if_match`` the conditional-write headers ``If-None-Match`` / ``If-Match``.

    The object's ETag is ``"md5(concat of the listed parts' binary MD5s)-N"``; part numbers do not
    enter it (recorded ``complete-multipart-ordered`` and ``-with-step-2``). Parts uploaded but not
    listed are dropped. Uploads created with a checksum algorithm get an object checksum:
    COMPOSITE ``base64(H(concat of part checksums))-N``, FULL_OBJECT the CRC of the whole object
    combined from the part CRCs (both recorded, ``TestS3MultipartUploadChecksum``); uploads
    created without one get S3's default, a FULL_OBJECT ``CRC64NVME`` of the whole object
    (recorded; parts imported from a listing carry no CRC64NVME, and then none is given). On
    success the upload leaves every listing and the object is stored in ``bucket.objects[key]``.
    Completing the same upload id again returns the stored object (reported: versitygw, moto).

    Errors, in order (aws-semantics.md §3.3; the checksum errors recorded in
    ``TestS3MultipartUploadChecksum``): ``NoSuchBucket`` 404; ``NoSuchUpload`` 404 (with UploadId;
    wrong key included); ``InvalidRequest`` 400 ``The upload was created using the <mode>
    checksum mode. ...`` when ``checksum_type`` differs from the upload's (``null`` for uploads
    without a checksum); ``MalformedXML`` 400 for an unparsable body or a part missing
    ``PartNumber``/``ETag``; a request listing no part (no body or no ``<Part>``) is
    ``MalformedXML`` 400 when no part was uploaded and ``InvalidRequest`` 400 ``You must specify
    at least one part`` when some were (ceph s3-tests ``test_multipart_upload_empty``, versitygw
    issues #964 and #1328, arrow-rs #5404, boto3 #1635); ``InvalidArgument`` 400 ``PartNumber
    must be >= 1``; ``InvalidPartOrder`` 400 unless part numbers strictly ascend (duplicates fail;
    with UploadId); for COMPOSITE uploads, part by part, ``BadDigest`` 400 ``The <alg> you
    specified for part <n> did not match what we received.`` when a part names a checksum of
    another algorithm than the upload's (recorded ``complete-part-with-checksum``: SHA256 for a
    CRC32 upload), then ``InvalidRequest`` 400 when the part's checksum is missing; per listed
    part ``InvalidPart`` 400 (ETag unquoted as sent, PartNumber, UploadId) when the part is
    missing or its ETag/checksum differs, and ``EntityTooSmall`` 400 (ProposedSize,
    MinSizeAllowed, PartNumber, ETag) for a part under 5 MiB that is not the last listed;
    ``EntityTooLarge`` 400 (ProposedSize, MaxSizeAllowed) for an object over 48.8 TiB
    (only parts imported with larger sizes can reach it);
    ``BadDigest`` 400 ``The <alg> you specified did not match the calculated checksum.`` when a
    whole-object checksum is sent that does not match (for FULL_OBJECT uploads AWS also answers
    this when ``checksum_type`` is not FULL_OBJECT); ``InvalidRequest`` 400 when
    ``mpu_object_size`` differs from the total size; then the conditional writes (``NoSuchKey``
    404, ``PreconditionFailed`` 412, ``ConditionalRequestConflict`` 409; see
    :func:`_check_conditions`). When several parts are bad AWS does not always name the first
    (recorded runs named part 1, 2 or 3); this names the first.

    Source: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html

    Not modelled: versioning, ``If-None-Match`` values other than ``*``, the 200-with-error
    mid-stream failure.
    """
    with state.lock:
        b = get_bucket(state, bucket)
        upload = b.uploads.get(upload_id)
        if upload is None or upload.key != key:
            done = b.objects.get(key)
            if done is not None and done.upload_id == upload_id:
                return CompleteMultipartUploadResult(
                    done, done.checksum_algorithm, done.checksum, done.checksum_type
                )
            raise no_such_upload(upload_id)
        algorithm = upload.checksum_algorithm
        mode = upload.checksum_type if algorithm else None
        if checksum_type and checksum_type.upper() != mode:
            raise invalid_request(
                f"The upload was created using the {mode or 'null'} checksum mode. The complete "
                "request must use the same checksum mode."
            )
        # The usual request (ascending numbers, ETags as stored, no part checksums) in one
        # pass; anything else, and every error, takes the full checks in AWS's order.
        chosen = (
            None if malformed or not parts or mode == "COMPOSITE" else plain_chosen(upload, parts)
        )
        if chosen is None:
            chosen = checked_parts(upload, parts, malformed, algorithm, mode)
        size = sum(p.size for p in chosen)
        if size > MAX_OBJECT_SIZE:
            raise entity_too_large(size, MAX_OBJECT_SIZE)
        checksum = _object_checksum(algorithm, mode, chosen)
        sent = upper_keys(checksums or {})
        if sent and algorithm is not None:
            wrong_mode = mode == "FULL_OBJECT" and (checksum_type or "").upper() != "FULL_OBJECT"
            value = sent.get(algorithm)
            if wrong_mode or value is None or (checksum is not None and value != checksum):
                raise ServiceError(
                    "BadDigest",
                    f"The {algorithm.lower()} you specified did not match the calculated checksum.",
                    400,
                )
            checksum = checksum or value
        if mpu_object_size not in (None, "") and str(mpu_object_size).strip() != str(size):
            raise invalid_request(
                f"The provided 'x-amz-mp-object-size' header value {mpu_object_size} does "
                f"not match what was computed: {size}"
            )
        _check_conditions(b, upload, if_none_match, if_match)
        if algorithm is None:  # S3's default: a FULL_OBJECT CRC64NVME (recorded)
            algorithm, mode = "CRC64NVME", "FULL_OBJECT"
            checksum = _default_checksum(chosen)
        digest = hashlib.md5(b"".join(p.md5 for p in chosen)).hexdigest()
        obj = CompletedObject(
            bucket=bucket,
            key=key,
            upload_id=upload_id,
            size=size,
            etag=f'"{digest}-{len(chosen)}"',
            part_count=len(chosen),
            completed=state.clock.now(),
            parts=chosen,
            checksum_algorithm=algorithm if checksum else None,
            checksum=checksum,
            checksum_type=mode if checksum else None,
            storage_class=upload.storage_class,
            content_type=upload.content_type,
            metadata=dict(upload.metadata),
            initiated=upload.initiated,
        )
        b.remove_upload(upload)
        b.objects[key] = obj
        return CompleteMultipartUploadResult(
            obj, obj.checksum_algorithm, obj.checksum, obj.checksum_type
        )


def _object_checksum(algorithm: str | None, mode: str | None, parts: list[Part]) -> str | None:
    if algorithm is None or any(algorithm not in p.checksums for p in parts):
        return None
    if mode == "COMPOSITE":
        return composite_checksum(algorithm, [p.checksums[algorithm] for p in parts])
    return full_object_checksum(algorithm, [(p.checksums[algorithm], p.size) for p in parts])


def _default_checksum(parts: Sequence[Part]) -> str | None:
    """The CRC64NVME of the object, combined from the parts' (``None`` if a part has none, as
    parts imported from a listing do)."""
    values = [(p.crc64nvme, p.size) for p in parts]
    if any(value is None for value, _ in values):
        return None
    return full_object_checksum("CRC64NVME", [(v or "", size) for v, size in values])


def _check_conditions(
    bucket: Bucket, upload: Upload, if_none_match: str | None, if_match: str | None
) -> None:
    """Conditional writes (``If-None-Match: *``, ``If-Match: <etag>``) against the key's object.

    A failed condition is ``PreconditionFailed`` 412 ``At least one of the pre-conditions you
    specified did not hold`` (with ``Condition``), and the upload stays; when the object that
    makes it fail was written after this upload began ("a conflicting operation occurs during
    the upload"), it is ``ConditionalRequestConflict`` 409 and the upload is gone (the API
    reference says to re-initiate it). ``If-Match`` with no object at the key is ``NoSuchKey``
    404. Source: API_CompleteMultipartUpload.html (If-None-Match, If-Match) and the User Guide's
    conditional-writes.html.
    """
    existing = bucket.objects.get(upload.key)
    failed: str | None = None
    if if_none_match is not None and existing is not None:
        failed = "If-None-Match"
    elif if_match is not None:
        if existing is None:
            raise ServiceError(
                "NoSuchKey", "The specified key does not exist.", 404, {"Key": upload.key}
            )
        wanted = {etag_hex(e.strip()) for e in if_match.split(",")}
        if "*" not in wanted and etag_hex(existing.etag) not in wanted:
            failed = "If-Match"
    if failed is None or existing is None:
        return
    if existing.completed > upload.initiated:
        bucket.remove_upload(upload)
        raise ServiceError(
            "ConditionalRequestConflict",
            "A conflicting conditional operation is currently in progress against this "
            "resource. Please try again.",
            409,
        )
    raise ServiceError(
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        412,
        {"Condition": failed},
    )
