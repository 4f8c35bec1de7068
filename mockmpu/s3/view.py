"""``mpu.s3``: arrange and inspect the fake's S3 state in domain terms.

Everything goes through the S3 semantics (so ordering, ETags and part rules hold exactly as
they do for calls through boto3), but bypasses the wire: no request ids, no XML. Misuse, such as
naming a bucket that does not exist, raises :class:`~mockmpu.MockmpuError` saying what to do.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Callable, TypeVar

from mockmpu.core.errors import MockmpuError, ServiceError
from mockmpu.core.state import Bucket, CompletedObject, MpuState, Part, Upload
from mockmpu.s3 import semantics as _s3
from mockmpu.s3.aws_cli import import_s3

__all__ = ["DEFAULT_PART_SIZE", "S3View"]

_T = TypeVar("_T")

#: Size of each part arranged by number only: the 5 MiB minimum, so the upload can complete.
DEFAULT_PART_SIZE = _s3.MIN_PART_SIZE


@functools.lru_cache(maxsize=16)
def _filler(size: int) -> tuple[bytes, bytes]:
    """Return ``size`` zero bytes and their MD5, computed once per size and shared."""
    body = bytes(size)
    return body, hashlib.md5(body).digest()


class S3View:
    """Arrange and inspect S3 buckets, in-progress uploads and completed objects.

    Exposed as ``mpu.s3``. Methods use boto3's names and domain arguments::

        mpu.s3.create_bucket("bkt")
        upload = mpu.s3.create_multipart_upload("bkt", "big.bin", parts=[1, 2, 3])
        assert [p.part_number for p in mpu.s3.parts("bkt", upload.upload_id)] == [1, 2, 3]
    """

    def __init__(self, state: MpuState) -> None:
        self.state = state

    # ------------------------------------------------------------------------------- buckets

    def create_bucket(self, name: str, *, region: str = _s3.DEFAULT_REGION) -> Bucket:
        """Create bucket ``name`` in ``region`` (idempotent in us-east-1, as on AWS); return it."""
        constraint = None if region == _s3.DEFAULT_REGION else region
        result = self._call(
            lambda: _s3.create_bucket(
                self.state, name, client_region=region, location_constraint=constraint
            ),
            f"create bucket {name!r} in {region!r}",
        )
        return result.bucket

    def bucket_names(self) -> list[str]:
        """Return the names of all buckets, sorted."""
        with self.state.lock:
            return sorted(self.state.buckets)

    # ------------------------------------------------------------------------------- uploads

    def create_multipart_upload(
        self,
        bucket: str,
        key: str,
        *,
        initiated: datetime | None = None,
        parts: Iterable[int] | Mapping[int, bytes | int] = (),
    ) -> Upload:
        """Start an upload of ``key``, optionally with parts already uploaded; return it.

        Args:
            initiated: the upload's initiation time (timezone-aware); default: the mock clock.
                Uploads of one key list in initiation order.
            parts: part numbers, each given :data:`DEFAULT_PART_SIZE` (5 MiB) zero bytes; or a
                mapping from part number to a body (``bytes``) or a size in bytes (``int``) of
                zero bytes. Sized parts cost no memory per part: the filler and its MD5 are made
                once per size and shared (kept on parts only with ``keep_bodies``).
        """
        if initiated is not None and initiated.tzinfo is None:
            raise MockmpuError(
                "initiated= needs a timezone-aware datetime, e.g. "
                "datetime(2024, 1, 1, tzinfo=timezone.utc)."
            )
        if bucket not in self.state.buckets:  # one dict probe; _bucket says what to do
            self._bucket(bucket)
        try:  # what _call does, without a closure per upload (bulk arranging calls this often)
            upload = _s3.create_multipart_upload(self.state, bucket, key, initiated=initiated)
        except ServiceError as error:
            raise _arrange_error(error, f"create an upload of {key!r}") from error
        if type(parts) is tuple and not parts:  # the default: no parts to arrange
            return upload
        items: Iterable[tuple[int, bytes | int]]
        if isinstance(parts, Mapping):
            items = parts.items()
        else:
            items = ((number, DEFAULT_PART_SIZE) for number in parts)
        for number, content in items:
            if isinstance(content, int):
                body, md5 = _filler(content)
                self._put(upload, number, body, md5)
            else:
                self._put(upload, number, bytes(content), None)
        return upload

    def upload_part(
        self, bucket: str, key: str, upload_id: str, part_number: int, body: bytes
    ) -> Part:
        """Upload (or overwrite) one part of an in-progress upload; return it."""
        upload = self.upload(bucket, upload_id)
        if upload.key != key:
            raise MockmpuError(
                f"Upload {upload_id!r} is for key {upload.key!r}, not {key!r}; pass its own key."
            )
        return self._put(upload, part_number, bytes(body), None)

    def complete_multipart_upload(
        self, bucket: str, key: str, upload_id: str, *, part_numbers: Iterable[int] | None = None
    ) -> CompletedObject:
        """Complete an upload from its parts (default: every uploaded part, ascending)."""
        upload = self.upload(bucket, upload_id)
        numbers = list(upload.part_numbers if part_numbers is None else part_numbers)
        specs = [
            _s3.CompletedPartSpec(
                n,
                upload.parts[n].etag if n in upload.parts else '""',
                dict(upload.parts[n].checksums) if n in upload.parts else {},
            )
            for n in numbers
        ]
        result = self._call(
            lambda: _s3.complete_multipart_upload(self.state, bucket, key, upload_id, specs),
            f"complete upload {upload_id!r}",
        )
        return result.object

    def abort_multipart_upload(self, bucket: str, key: str, upload_id: str) -> Upload:
        """Abort an in-progress upload; return it."""
        return self._call(
            lambda: _s3.abort_multipart_upload(self.state, bucket, key, upload_id),
            f"abort upload {upload_id!r}",
        )

    def uploads(
        self, bucket: str, *, key: str | None = None, prefix: str | None = None
    ) -> list[Upload]:
        """Return the in-progress uploads in ListMultipartUploads order (of one key or prefix)."""
        b = self._bucket(bucket)
        with self.state.lock:
            return _s3.uploads_in_order(b, key=key, prefix=prefix)

    def upload(self, bucket: str, upload_id: str) -> Upload:
        """Return one in-progress upload by id."""
        b = self._bucket(bucket)
        with self.state.lock:
            upload = b.uploads.get(upload_id)
        if upload is None:
            raise MockmpuError(
                f"No upload {upload_id!r} is in progress in bucket {bucket!r}; list them with "
                f"mpu.s3.uploads({bucket!r})."
            )
        return upload

    def parts(self, bucket: str, upload_id: str) -> list[Part]:
        """Return an in-progress upload's parts in ascending part number."""
        upload = self.upload(bucket, upload_id)
        with self.state.lock:
            return list(upload.sorted_parts())

    def import_aws_cli(
        self,
        bucket: str,
        source: str | os.PathLike[str] | Mapping[str, Any],
        *,
        region: str | None = None,
        upload_id: str | None = None,
    ) -> list[Upload]:
        """Recreate uploads (or parts) from what the AWS CLI printed against a real bucket.

        ``source`` is the JSON text, the path of a file holding it, or the parsed dict (a boto3
        response works too) of:

        - ``aws s3api list-multipart-uploads --bucket B``: every listed upload is created in
          ``bucket`` (made in ``region``, default us-east-1, if missing) with its ``UploadId``
          verbatim, ``Key``, ``Initiated`` (UTC), ``StorageClass``, ``ChecksumAlgorithm`` and
          ``ChecksumType``; boto3 then lists them as the CLI did (same keys, ids, times, order).
          Returns the uploads in listing order.
        - ``aws s3api list-parts --bucket B --key K --upload-id U``: adds the parts (number,
          ``Size`` in bytes, ``ETag``, ``LastModified``, ``Checksum*``; no bodies) to upload U,
          imported before; pass ``upload_id=U`` when the output leaves ``UploadId`` out (the
          CLI's paginated output does). Returns ``[that upload]``.

        The import is all or nothing. Raises :class:`~mockmpu.MockmpuError` for output that is not
        one of these commands' JSON, a listing made with ``--delimiter`` (its ``CommonPrefixes``
        hide uploads), uploads out of S3's order (key, then ``Initiated``), an id already in
        progress, or values AWS would refuse (the AWS code and message are named).

        Source: the CLI prints botocore's ListMultipartUploadsOutput / ListPartsOutput
        (https://docs.aws.amazon.com/cli/latest/reference/s3api/list-multipart-uploads.html).

        Not modelled: ``Owner`` / ``Initiator`` (the mock lists its own account's principal),
        ``AbortDate``, part bodies, keys printed by ``--encoding-type url`` in paginated output.
        """
        return import_s3(self.state, bucket, source, region=region, upload_id=upload_id)

    # ------------------------------------------------------------------------------- objects

    def objects(self, bucket: str) -> dict[str, CompletedObject]:
        """Return the objects completed in ``bucket``, by key (a copy)."""
        b = self._bucket(bucket)
        with self.state.lock:
            return dict(b.objects)

    def object(self, bucket: str, key: str) -> CompletedObject:
        """Return the object a completed upload made at ``key``."""
        b = self._bucket(bucket)
        with self.state.lock:
            obj = b.objects.get(key)
        if obj is None:
            raise MockmpuError(
                f"No completed object {key!r} in bucket {bucket!r}; complete an upload of it "
                "first (see mpu.s3.objects() for what exists)."
            )
        return obj

    # ------------------------------------------------------------------------------- helpers

    def _bucket(self, name: str) -> Bucket:
        with self.state.lock:
            bucket = self.state.buckets.get(name)
        if bucket is None:
            raise MockmpuError(
                f"No bucket {name!r} in this mock; create it first with "
                f"mpu.s3.create_bucket({name!r})."
            )
        return bucket

    def _put(self, upload: Upload, number: int, body: bytes, md5: bytes | None) -> Part:
        return self._call(
            lambda: _s3.upload_part(
                self.state, upload.bucket, upload.key, upload.upload_id, number, body, md5=md5
            ),
            f"upload part {number!r}",
        )

    def _call(self, action: Callable[[], _T], what: str) -> _T:
        try:
            return action()
        except ServiceError as error:
            raise _arrange_error(error, what) from error


def _arrange_error(error: ServiceError, what: str) -> MockmpuError:
    """The ``MockmpuError`` for an S3 error met while arranging ``what``."""
    if error.code == "NoSuchBucket":
        name = error.extra.get("BucketName", "")
        return MockmpuError(
            f"No bucket {name!r} in this mock; create it first with mpu.s3.create_bucket({name!r})."
        )
    return MockmpuError(
        f"Cannot {what}: S3 would answer {error.code} ({error.status}) "
        f"{error.message!r}; change the arrangement."
    )
