"""moto's side of the comparison: its S3 backend, reached directly to arrange big states fast.

Through moto's API, 100,000 uploads take minutes (154 s in issue 5); its backend does the same
bookkeeping without HTTP or botocore in about a second. Only the arrangement goes this way; every
timed moto call goes through a botocore client and ``mock_aws``, as a test's would.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["ACCOUNT", "backend", "create_uploads", "upload_parts"]

ACCOUNT = "123456789012"  # moto's default account


def backend() -> Any:
    from moto.s3.models import s3_backends

    return s3_backends[ACCOUNT]["global"]


def create_uploads(bucket: str, keys: Iterable[str]) -> list[str]:
    """Create in-progress uploads of ``keys`` in ``bucket``; return their ids, in order."""
    from moto.s3.utils import CaseInsensitiveDict  # type: ignore[attr-defined]

    s3 = backend()
    ids = []
    for key in keys:
        upload = s3.create_multipart_upload(
            bucket_name=bucket,
            key_name=key,
            metadata=CaseInsensitiveDict(),
            storage_type="STANDARD",
            tags={},
            acl=None,
            sse_encryption=None,
            kms_key_id=None,
        )
        ids.append(upload if isinstance(upload, str) else upload.id)  # moto < 5.1 returns the id
    return ids


def upload_parts(bucket: str, upload_id: str, bodies: Mapping[int, bytes]) -> None:
    """Store parts (moto keeps each body)."""
    s3 = backend()
    for number, body in bodies.items():
        s3.upload_part(bucket, upload_id, number, body)
