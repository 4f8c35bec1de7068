"""S3 multipart-upload semantics as pure functions over :class:`~mockmpu._state.MpuState`.

Every function takes ``state.lock``, works on the plain data in ``_state`` and either returns a
typed result or raises :class:`~mockmpu._errors.ServiceError` carrying AWS's code, wire message,
HTTP status and extra ``<Error>`` children. Nothing here knows HTTP, XML or botocore: the wire
codec (``_codec_s3``) parses requests into these arguments and renders the results.

Wire facts come from the shared ``aws-semantics.md`` (sections named in each docstring) and the
AWS-validated LocalStack snapshots it cites. The listings (``list_multipart_uploads``,
``list_parts``) live in ``_s3_listing`` and shared rules in ``_s3_rules``; both are re-exported
here, so ``_s3`` is the one entry point.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from mockmpu.core.errors import MockmpuError, ServiceError
from mockmpu.core.state import Bucket, CompletedObject, MpuState, Part, Upload
from mockmpu.s3.listing import (
    ListMultipartUploadsResult,
    ListPartsResult,
    list_multipart_uploads,
    list_parts,
    uploads_in_order,
)
from mockmpu.s3.rules import (
    CHECKSUM_ALGORITHMS,
    DEFAULT_REGION,
    INT_RE,
    INVALID_PART,
    MAX_PART_NUMBER,
    MIN_PART_SIZE,
    Principal,
    RawInt,
    composite_checksum,
    etag_hex,
    find_upload,
    full_object_checksum,
    get_bucket,
    invalid_argument,
    invalid_request,
    malformed_xml,
    no_such_upload,
    owner,
    url_encode,
    verify_part_checksums,
)

__all__ = [
    "DEFAULT_REGION",
    "MAX_PART_NUMBER",
    "MIN_PART_SIZE",
    "CompleteMultipartUploadResult",
    "CompletedPartSpec",
    "CreateBucketResult",
    "ListMultipartUploadsResult",
    "ListPartsResult",
    "Principal",
    "abort_multipart_upload",
    "bucket_location",
    "complete_multipart_upload",
    "create_bucket",
    "create_multipart_upload",
    "create_multipart_uploads",
    "delete_bucket",
    "etag_hex",
    "get_bucket",
    "head_bucket",
    "import_part",
    "list_multipart_uploads",
    "list_parts",
    "owner",
    "upload_part",
    "uploads_in_order",
    "url_encode",
]

# --------------------------------------------------------------------------------------- buckets

_BUCKET_RE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_IPV4_RE = re.compile(r"\d+\.\d+\.\d+\.\d+")
_REGION_RE = re.compile(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


@dataclass(frozen=True)
class CreateBucketResult:
    """What CreateBucket did: ``created`` is False for the idempotent us-east-1 re-create."""

    bucket: Bucket
    created: bool


def bucket_location(bucket: Bucket) -> str:
    """Return CreateBucket's ``Location``: ``/name`` in us-east-1, else the virtual-host URL."""
    if bucket.region == DEFAULT_REGION:
        return f"/{bucket.name}"
    return f"http://{bucket.name}.s3.amazonaws.com/"


def _valid_bucket_name(name: str) -> bool:
    return (
        bool(_BUCKET_RE.fullmatch(name))
        and ".." not in name
        and not _IPV4_RE.fullmatch(name)
        and not name.startswith(_RESERVED_PREFIXES)
        and not name.endswith(_RESERVED_SUFFIXES)
    )


def _bucket_region(client_region: str, constraint: str) -> str:
    illegal = "The {} location constraint is incompatible for the region specific endpoint this request was sent to."  # noqa: E501
    if not constraint:
        if client_region != DEFAULT_REGION:
            raise ServiceError(
                "IllegalLocationConstraintException", illegal.format("unspecified"), 400
            )
        return DEFAULT_REGION
    if client_region == DEFAULT_REGION:
        valid = constraint == "EU" or bool(_REGION_RE.fullmatch(constraint))
        if not valid or constraint == DEFAULT_REGION:
            raise ServiceError(
                "InvalidLocationConstraint",
                "The specified location-constraint is not valid",
                400,
                {"LocationConstraint": constraint},
            )
    elif client_region == "eu-west-1":
        if constraint not in ("EU", "eu-west-1"):
            raise ServiceError(
                "IllegalLocationConstraintException", illegal.format(constraint), 400
            )
    elif constraint != client_region:
        raise ServiceError("IllegalLocationConstraintException", illegal.format(constraint), 400)
    return "eu-west-1" if constraint == "EU" else constraint


def create_bucket(
    state: MpuState,
    name: str,
    *,
    client_region: str = DEFAULT_REGION,
    location_constraint: str | None = None,
) -> CreateBucketResult:
    """Create a general purpose bucket (models S3 CreateBucket).

    ``client_region`` is the region the request was sent to; ``location_constraint`` the
    ``CreateBucketConfiguration/LocationConstraint`` (``None`` or ``""`` when absent). The bucket
    lands in the constraint's region, or us-east-1 without one (``EU`` means eu-west-1).

    Errors: ``InvalidBucketName`` 400 (with BucketName); from a us-east-1 endpoint a constraint
    that is no region name, or is ``us-east-1`` itself, gives ``InvalidLocationConstraint`` 400
    (with LocationConstraint); from any other region a missing or different constraint gives
    ``IllegalLocationConstraintException`` 400 (all recorded, LocalStack snapshot
    ``test_different_location_constraint``). Re-creating a bucket you own gives
    ``BucketAlreadyOwnedByYou`` 409 (with BucketName), except that in us-east-1 (request and
    bucket) it is 200 and changes nothing (API reference ``BucketAlreadyOwnedByYou``; snapshot
    ``test_create_bucket_with_existing_name``).

    Source: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html

    Not modelled: other accounts' buckets (BucketAlreadyExists), ACLs, object lock, ownership
    controls, tags, directory buckets; region names are checked by pattern, not against a list.
    """
    with state.lock:
        if not _valid_bucket_name(name):
            raise ServiceError(
                "InvalidBucketName", "The specified bucket is not valid.", 400, {"BucketName": name}
            )
        region = _bucket_region(client_region, location_constraint or "")
        existing = state.buckets.get(name)
        if existing is not None:
            if region == DEFAULT_REGION and existing.region == DEFAULT_REGION:
                return CreateBucketResult(existing, created=False)
            raise ServiceError(
                "BucketAlreadyOwnedByYou",
                "Your previous request to create the named bucket succeeded and you already own "
                "it.",
                409,
                {"BucketName": name},
            )
        bucket = Bucket(name=name, region=region, created=state.clock.now())
        state.buckets[name] = bucket
        return CreateBucketResult(bucket, created=True)


def head_bucket(state: MpuState, name: str) -> Bucket:
    """Check that a bucket exists (models S3 HeadBucket); return it.

    Errors: ``NoSuchBucket`` 404. On the wire HEAD carries no body, so botocore reports
    ``{'Code': '404', 'Message': 'Not Found'}`` (recorded, snapshot ``head_bucket_not_exist``).

    Source: https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html

    Not modelled: 403 for buckets of other accounts, 301 for a wrong region.
    """
    return get_bucket(state, name)


def delete_bucket(state: MpuState, name: str) -> None:
    """Delete a bucket (models S3 DeleteBucket); in-progress multipart uploads go with it.

    A general purpose bucket that holds only in-progress multipart uploads can be deleted: the
    API reference restricts only *directory* buckets ("you can't delete the bucket until all the
    in-progress multipart uploads are aborted or completed"), ceph/ceph PR #15630 reports a
    successful delete on AWS with an incomplete upload, scality/cloudserver PR #1591 changed to
    match AWS, and basho/riak_cs issue #475 observed the uploads gone "as s3 does".

    Errors: ``NoSuchBucket`` 404; ``BucketNotEmpty`` 409 ``The bucket you tried to delete is not
    empty`` (with BucketName) while completed objects remain (recorded, LocalStack
    ``test_delete_bucket_with_objects``).

    Source: https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html

    Not modelled: versioned buckets; deleting objects (mockmpu has no DeleteObject).
    """
    with state.lock:
        bucket = get_bucket(state, name)
        if bucket.objects:
            raise ServiceError(
                "BucketNotEmpty",
                "The bucket you tried to delete is not empty",
                409,
                {"BucketName": name},
            )
        del state.buckets[name]


# --------------------------------------------------------------------------------------- uploads


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

    Errors: ``NoSuchBucket`` 404; ``InvalidRequest`` 400 for an unknown checksum algorithm, a
    checksum type without an algorithm, ``COMPOSITE`` with CRC64NVME or ``FULL_OBJECT`` with
    SHA1/SHA256 (all recorded, LocalStack ``TestS3MultipartUploadChecksum``).

    Source: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html

    Not modelled: SSE, ACLs, tagging, object lock, lifecycle abort dates, key length limits,
    storage-class validation.
    """
    with state.lock:
        b = get_bucket(state, bucket)
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
            bucket=bucket,
            key=key,
            upload_id=upload_id if upload_id is not None else state.ids.s3_upload_id(),
            initiated=initiated if initiated is not None else state.clock.now(),
            seq=state.next_seq(),
            storage_class=storage_class or "STANDARD",
            checksum_algorithm=algorithm,
            checksum_type=ctype,
            content_type=content_type,
            metadata=dict(metadata or {}),
        )
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


def upload_part(
    state: MpuState,
    bucket: str,
    key: str,
    upload_id: str,
    part_number: RawInt,
    body: bytes,
    *,
    checksums: Mapping[str, str] | None = None,
    md5: bytes | None = None,
) -> Part:
    """Store one part (models S3 UploadPart); return it. Re-uploading a number overwrites it.

    ``body`` is the decoded payload (the codec has already removed ``aws-chunked`` framing).
    ``checksums`` maps algorithm (``"CRC32"`` ...) to the base64 value sent, echoed back as is.
    ``md5`` may carry the body's precomputed binary MD5 (trusted; used by arrange helpers).
    The part's ETag is the quoted hex MD5 of the body; its size is ``len(body)`` bytes.

    Errors, in this order: ``NoSuchBucket`` 404; ``NoSuchUpload`` 404 (with UploadId) for an
    unknown id, a finished upload or the **wrong key** (recorded ``upload-exc``,
    ``upload-part-wrong-key-name``); ``InvalidArgument`` 400 ``Part number must be an integer
    between 1 and 10000, inclusive`` (ArgumentName=partNumber, recorded for -1); ``InvalidRequest``
    400 ``Checksum Type mismatch occurred, ...`` when the upload has a checksum algorithm and the
    part carries another one (recorded); ``InvalidRequest`` 400 ``Value for x-amz-checksum-<alg>
    header is invalid.`` and ``BadDigest`` 400 for checksums that are malformed or do not match
    the body (see ``_s3_rules.verify_part_checksums``). Which of upload lookup and part-number
    check comes first on AWS is not recorded; LocalStack's order is used.

    Source: https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html

    Not modelled: matching CRC32C/CRC64NVME values against the body (form only), Content-MD5
    (BadDigest/InvalidDigest), the 5 GiB part limit, SSE-C.
    """
    with state.lock:
        b = get_bucket(state, bucket)
        upload = find_upload(b, key, upload_id)
        number = _part_number(part_number)
        sent = {alg.upper(): value for alg, value in (checksums or {}).items()}
        if upload.checksum_algorithm is not None:
            others = [alg for alg in sent if alg != upload.checksum_algorithm]
            if others:
                raise invalid_request(
                    "Checksum Type mismatch occurred, expected checksum Type: "
                    f"{upload.checksum_algorithm.lower()}, actual checksum Type: "
                    f"{others[0].lower()}"
                )
        verify_part_checksums(body, sent)
        digest = md5 if md5 is not None else hashlib.md5(body).digest()
        part = Part(
            part_number=number,
            size=len(body),
            etag=f'"{digest.hex()}"',
            md5=digest,
            last_modified=state.clock.now(),
            checksums=sent,
            body=bytes(body) if state.keep_bodies else None,
        )
        upload.put_part(part)
        return part


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
        number = int(value)
    else:
        raise invalid_argument(message, "partNumber", raw)
    if not 1 <= number <= MAX_PART_NUMBER:
        raise invalid_argument(message, "partNumber", raw)
    return number


@dataclass(frozen=True)
class CompletedPartSpec:
    """One ``<Part>`` of a CompleteMultipartUpload request, as sent.

    ``part_number`` / ``etag`` are ``None`` when the element was missing; ``checksums`` maps an
    algorithm (``"CRC32"``) to the base64 value given for the part.
    """

    part_number: RawInt
    etag: str | None
    checksums: Mapping[str, str] = field(default_factory=dict)


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
) -> CompleteMultipartUploadResult:
    """Assemble the listed parts into an object (models S3 CompleteMultipartUpload).

    ``parts`` is the request's part list, or ``None`` when the request had no body; ``malformed``
    says the body was not parsable XML. ``checksum_type``, ``checksums`` (algorithm -> base64
    whole-object value) and ``mpu_object_size`` are the optional ``x-amz-checksum-type``,
    ``x-amz-checksum-<alg>`` and ``x-amz-mp-object-size`` request headers.

    The object's ETag is ``"md5(concat of the listed parts' binary MD5s)-N"``; part numbers do not
    enter it (recorded ``complete-multipart-ordered`` and ``-with-step-2``). Parts uploaded but not
    listed are dropped. Uploads created with a checksum algorithm get an object checksum:
    COMPOSITE ``base64(H(concat of part checksums))-N``, FULL_OBJECT the CRC of the whole object
    combined from the part CRCs (both recorded, ``TestS3MultipartUploadChecksum``). On success the
    upload leaves every listing and the object is stored in ``bucket.objects[key]``. Completing the
    same upload id again returns the stored object (reported: versitygw, moto).

    Errors, in order (aws-semantics.md §3.3; the checksum errors recorded in
    ``TestS3MultipartUploadChecksum``): ``NoSuchBucket`` 404; ``NoSuchUpload`` 404 (with UploadId;
    wrong key included); ``InvalidRequest`` 400 ``The upload was created using the <mode>
    checksum mode. ...`` when ``checksum_type`` differs from the upload's (``null`` for uploads
    without a checksum); ``MalformedXML`` 400 for an unparsable body, an empty part list or a part
    missing ``PartNumber``/``ETag``; ``InvalidRequest`` 400 ``You must specify at least one
    part`` without a body; ``InvalidArgument`` 400 ``PartNumber must be >= 1``;
    ``InvalidPartOrder`` 400 unless part numbers strictly ascend (duplicates fail; with
    UploadId); for COMPOSITE uploads ``InvalidRequest`` 400 when a part's checksum is missing;
    per listed part ``InvalidPart`` 400 (ETag unquoted as sent, PartNumber, UploadId) when the
    part is missing or its ETag/checksum differs, and ``EntityTooSmall`` 400 (ProposedSize,
    MinSizeAllowed, PartNumber, ETag) for a part under 5 MiB that is not the last listed;
    ``BadDigest`` 400 ``The <alg> you specified did not match the calculated checksum.`` when a
    whole-object checksum is sent that does not match (for FULL_OBJECT uploads AWS also answers
    this when ``checksum_type`` is not FULL_OBJECT); ``InvalidRequest`` 400 when
    ``mpu_object_size`` differs from the total size. When several parts are bad AWS does not
    always name the first (recorded runs named part 1, 2 or 3); this names the first.

    Source: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html

    Not modelled: the CRC64NVME FULL_OBJECT checksum AWS adds to uploads created without a
    checksum algorithm (it needs a CRC64 of the bytes), conditional writes (If-Match,
    If-None-Match), versioning, the 200-with-error mid-stream failure.
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
        listed = _listed_parts(upload_id, parts, malformed)
        if mode == "COMPOSITE" and algorithm is not None:
            for number, _, spec in listed:
                if algorithm not in _upper_keys(spec.checksums):
                    raise invalid_request(
                        f"The upload was created using a {algorithm.lower()} checksum. The "
                        "complete request must include the checksum for each part. It was "
                        f"missing for part {number} in the request."
                    )
        chosen = _chosen_parts(upload, listed)
        size = sum(p.size for p in chosen)
        checksum = _object_checksum(algorithm, mode, chosen)
        sent = _upper_keys(checksums or {})
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
        )
        b.remove_upload(upload)
        b.objects[key] = obj
        return CompleteMultipartUploadResult(
            obj, obj.checksum_algorithm, obj.checksum, obj.checksum_type
        )


def _listed_parts(
    upload_id: str, parts: Sequence[CompletedPartSpec] | None, malformed: bool
) -> list[tuple[int, str, CompletedPartSpec]]:
    """Validate the request's part list: (number, unquoted ETag, spec) in request order."""
    if malformed:
        raise malformed_xml()
    if parts is None:
        raise invalid_request("You must specify at least one part")
    if not parts:
        raise malformed_xml()
    listed: list[tuple[int, str, CompletedPartSpec]] = []
    for spec in parts:
        if spec.part_number is None or spec.etag is None:
            raise malformed_xml()
        if isinstance(spec.part_number, int):
            number = spec.part_number
        elif INT_RE.fullmatch(spec.part_number):
            number = int(spec.part_number)
        else:
            raise malformed_xml()
        if number < 1:
            raise invalid_argument("PartNumber must be >= 1", "PartNumber", str(number))
        listed.append((number, etag_hex(spec.etag), spec))
    for (previous, _, _), (number, _, _) in zip(listed, listed[1:]):
        if number <= previous:
            raise ServiceError(
                "InvalidPartOrder",
                "The list of parts was not in ascending order. Parts must be ordered by part "
                "number.",
                400,
                {"UploadId": upload_id},
            )
    return listed


def _chosen_parts(upload: Upload, listed: list[tuple[int, str, CompletedPartSpec]]) -> list[Part]:
    """Check each listed part in order (InvalidPart, then EntityTooSmall); return the parts."""
    chosen: list[Part] = []
    last = len(listed) - 1
    for i, (number, sent_etag, spec) in enumerate(listed):
        part = upload.parts.get(number)
        if (
            part is None
            or sent_etag != etag_hex(part.etag)
            or not _checksums_match(spec.checksums, part, upload.checksum_algorithm)
        ):
            raise ServiceError(
                "InvalidPart",
                INVALID_PART,
                400,
                {"ETag": sent_etag, "PartNumber": str(number), "UploadId": upload.upload_id},
            )
        if i != last and part.size < MIN_PART_SIZE:
            raise ServiceError(
                "EntityTooSmall",
                "Your proposed upload is smaller than the minimum allowed size",
                400,
                {
                    "ProposedSize": str(part.size),
                    "MinSizeAllowed": str(MIN_PART_SIZE),
                    "PartNumber": str(number),
                    "ETag": etag_hex(part.etag),
                },
            )
        chosen.append(part)
    return chosen


def _object_checksum(algorithm: str | None, mode: str | None, parts: list[Part]) -> str | None:
    if algorithm is None or any(algorithm not in p.checksums for p in parts):
        return None
    if mode == "COMPOSITE":
        return composite_checksum(algorithm, [p.checksums[algorithm] for p in parts])
    return full_object_checksum(algorithm, [(p.checksums[algorithm], p.size) for p in parts])


def _upper_keys(mapping: Mapping[str, str]) -> dict[str, str]:
    return {k.upper(): v for k, v in mapping.items()}


def _checksums_match(sent: Mapping[str, str], part: Part, algorithm: str | None) -> bool:
    # Checksums given for a part must equal what the part stored; an upload without a checksum
    # algorithm stores none, so any given there mismatches (recorded
    # ``complete-multipart-parts-checksum``: InvalidPart).
    for alg, value in _upper_keys(sent).items():
        if algorithm is None or alg != algorithm or part.checksums.get(alg) != value:
            return False
    return True


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
