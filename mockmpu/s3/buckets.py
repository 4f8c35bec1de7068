"""S3 bucket semantics: CreateBucket, HeadBucket, DeleteBucket as pure functions.

Each function takes ``state.lock`` and returns a typed result or raises
:class:`~mockmpu.core.errors.ServiceError` with AWS's code, message, status and extra elements.
Re-exported by :mod:`mockmpu.s3.semantics`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mockmpu.core.errors import ServiceError
from mockmpu.core.state import Bucket, MpuState
from mockmpu.s3.rules import (
    DEFAULT_REGION,
    get_bucket,
)

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
