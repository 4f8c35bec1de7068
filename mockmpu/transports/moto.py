"""The moto bridge: ``mock_mpu`` and moto's ``mock_aws`` active together, one S3 world.

While moto's mock is active (decorator, context manager or fixture, in either nesting order):

- mockmpu answers the multipart operations (and Glacier's), and moto never sees those requests:
  botocore calls *every* ``before-send`` handler (``emit``, then ``first_non_none_response``),
  so mockmpu's handler, registered first, marks each request it answers
  (:func:`claim`), and moto's request processing skips marked requests (:func:`_skip_claimed`
  wraps ``botocore_stubber.process_request`` once, on the stubber instance).
- every other call, including the bucket operations and object reads mockmpu serves alone
  (:data:`MOTO_ANSWERS`), goes to moto: mockmpu's ``choose-signer`` leaves it signed, and its
  ``before-send`` returns ``None``.
- buckets live in moto's backend: before mockmpu serves an S3 request, the request's bucket is
  brought into line with moto's (:func:`sync_bucket`): a bucket moto has is added to mockmpu's
  state with moto's region and creation date; one moto deleted is removed; one arranged through
  ``mpu.s3`` only is created in moto.
- a CompleteMultipartUpload mockmpu answered is replayed into moto's backend through its own
  methods (``create_multipart_upload``, ``upload_part``, ``complete_multipart_upload``), so
  moto's GetObject (Range, PartNumber), HeadObject, ListObjectsV2, CopyObject and DeleteObject
  see the object with mockmpu's ETag, size, parts, checksum, metadata, content type and storage
  class; the replayed upload leaves moto's state when it completes.

moto names relied on (listed in ARCHITECTURE.md, "moto"): ``moto.core.models.botocore_stubber``
(its ``enabled`` flag and ``process_request`` method), ``moto.core.DEFAULT_ACCOUNT_ID``,
``moto.backends.get_backend("s3")[account]["global"]`` (the backend moto's tests and docs use)
with ``buckets``, ``create_bucket``, ``create_multipart_upload``, ``upload_part``,
``complete_multipart_upload``, and ``moto.s3.utils.metadata_from_headers``.

Not modelled: UploadPartCopy onto mockmpu's uploads (moto answers it and does not know the
upload), accounts assumed through STS (the default account, ``MOTO_ACCOUNT_ID`` or the
``x-moto-account-id`` header is used), moto's server mode.
"""

from __future__ import annotations

import os
import sys
import threading
import weakref
from collections.abc import Mapping
from datetime import timezone
from typing import TYPE_CHECKING, Any

from mockmpu.core.bodies import body_bytes
from mockmpu.core.errors import MockmpuError
from mockmpu.core.state import Bucket, MpuState, Upload
from mockmpu.services import SERVED

if TYPE_CHECKING:
    from mockmpu.core.wire import WireRequest, WireResponse

__all__ = [
    "MOTO_ANSWERS",
    "active",
    "answers",
    "claim",
    "completed",
    "pending_upload",
    "sync_bucket",
]

#: Operations mockmpu serves alone but leaves to moto while moto is active: moto owns buckets
#: and objects, mockmpu the multipart uploads.
MOTO_ANSWERS: frozenset[tuple[str, str]] = frozenset(
    ("s3", op) for op in ("CreateBucket", "DeleteBucket", "GetObject", "HeadBucket", "HeadObject")
)

_CLAIMED = "_mockmpu_answered"
_patch_lock = threading.Lock()
_linked_lock = threading.Lock()
#: Per state: bucket names known to be in moto's backend (so a later absence is a deletion).
_LINKED: weakref.WeakKeyDictionary[MpuState, set[str]] = weakref.WeakKeyDictionary()


def _stubber() -> Any:
    models = sys.modules.get("moto.core.models")
    return getattr(models, "botocore_stubber", None)


def active() -> bool:
    """True while moto's ``mock_aws`` is active (its botocore stubber is enabled)."""
    return bool(getattr(_stubber(), "enabled", False))


def answers(service: str, operation: str) -> bool:
    """True when moto is active and should answer this operation rather than mockmpu."""
    if (service, operation) in SERVED and (service, operation) not in MOTO_ANSWERS:
        return False
    return active()


def _skip_claimed(stubber: Any) -> None:
    """Make moto's stubber leave alone the requests mockmpu answered (once per process)."""
    with _patch_lock:
        if getattr(stubber, _CLAIMED, False):
            return
        original = getattr(stubber, "process_request", None)
        if original is None:
            raise MockmpuError(
                "This moto has no botocore_stubber.process_request; mockmpu works together with "
                "moto 5.0.3 or later: pip install -U 'mockmpu[moto]'."
            )

        def process_request(request: Any) -> Any:
            if getattr(request, _CLAIMED, False):
                return None
            return original(request)

        stubber.process_request = process_request
        setattr(stubber, _CLAIMED, True)


def claim(request: Any) -> None:
    """Mark a botocore request mockmpu answers, so moto's ``before-send`` handler skips it."""
    stubber = _stubber()
    if stubber is None:
        return
    _skip_claimed(stubber)
    setattr(request, _CLAIMED, True)


# ------------------------------------------------------------------------------- moto's backend


def _account(headers: Mapping[str, str]) -> str:
    # moto's own order (moto.core.responses.BaseResponse.get_current_account): the environment,
    # the x-moto-account-id header, then the default account (mockmpu's calls are unsigned).
    from moto.core.models import DEFAULT_ACCOUNT_ID

    env = os.environ.get("MOTO_ACCOUNT_ID")
    if env:
        return env
    return headers.get("x-moto-account-id") or str(DEFAULT_ACCOUNT_ID)


def _backend(headers: Mapping[str, str]) -> Any:
    from moto.backends import get_backend

    return get_backend("s3")[_account(headers)]["global"]


def _linked(state: MpuState) -> set[str]:
    with _linked_lock:
        linked = _LINKED.get(state)
        if linked is None:
            linked = _LINKED[state] = set()
        return linked


def sync_bucket(state: MpuState, request: WireRequest) -> None:
    """Bring the request's bucket in mockmpu's state into line with moto's backend."""
    name = request.labels.get("Bucket")
    if not name:
        return
    backend = _backend(request.headers)
    linked = _linked(state)
    theirs = backend.buckets.get(name)
    with state.lock:
        mine = state.buckets.get(name)
        if theirs is not None:
            if mine is None:
                created = theirs.creation_date
                if created.tzinfo is None:
                    created = created.replace(tzinfo=timezone.utc)
                state.buckets[name] = Bucket(name=name, region=theirs.region_name, created=created)
            linked.add(name)
        elif mine is not None:
            if name in linked:  # deleted through moto: its uploads go with it, as on AWS
                del state.buckets[name]
                linked.discard(name)
            else:  # arranged through mpu.s3 while moto is active: moto gets it too
                backend.create_bucket(name, mine.region)
                linked.add(name)


def pending_upload(state: MpuState, request: WireRequest) -> Upload | None:
    """The upload a CompleteMultipartUpload request names (before it completes), if any."""
    if request.operation != "CompleteMultipartUpload":
        return None
    with state.lock:
        bucket = state.buckets.get(request.labels.get("Bucket", ""))
        upload = bucket.uploads.get(request.query.get("uploadId", "")) if bucket else None
        return upload


def completed(
    state: MpuState, request: WireRequest, reply: WireResponse, upload: Upload | None
) -> None:
    """Store the object a successful CompleteMultipartUpload produced in moto's backend."""
    if upload is None or reply.status != 200 or reply.error is not None:
        return
    with state.lock:
        bucket = state.buckets.get(upload.bucket)
        obj = bucket.objects.get(upload.key) if bucket is not None else None
        if obj is None or obj.upload_id != upload.upload_id:
            return
        parts = list(obj.parts)
    if any(p.body is None for p in parts):
        raise MockmpuError(
            f"mockmpu cannot store s3://{upload.bucket}/{upload.key} in moto's backend: its part "
            "bodies were not kept; leave keep_bodies at its default (True) when using moto."
        )
    from moto.s3.utils import metadata_from_headers

    headers = {f"x-amz-meta-{k}": v for k, v in upload.metadata.items()}
    if upload.content_type is not None:
        headers["Content-Type"] = upload.content_type
    backend = _backend(request.headers)
    multipart = backend.create_multipart_upload(
        bucket_name=upload.bucket,
        key_name=upload.key,
        metadata=metadata_from_headers(headers),
        storage_type=upload.storage_class,
        tags={},
        acl=None,
        sse_encryption=None,
        kms_key_id=None,
    )
    multipart_id = multipart if isinstance(multipart, str) else multipart.id
    for part in parts:
        backend.upload_part(upload.bucket, multipart_id, part.part_number, body_bytes(part.body))
    key = backend.complete_multipart_upload(
        upload.bucket, multipart_id, [(p.part_number, p.etag) for p in parts]
    )
    if key is None:  # pragma: no cover - moto completes what mockmpu completed
        raise MockmpuError(f"moto refused to store s3://{upload.bucket}/{upload.key}.")
    key.checksum_algorithm = obj.checksum_algorithm
    key.checksum_type = obj.checksum_type
    value = obj.checksum
    count = None
    if value is not None and obj.checksum_type == "COMPOSITE" and "-" in value:
        value, _, suffix = value.rpartition("-")
        count = int(suffix)
    key.checksum_value = value
    key.checksum_parts = count
