"""Every operation mockmpu serves, and the codec handler that answers it.

:data:`SERVED` names them without importing the codecs (so ``import mockmpu`` stays free of
botocore); :func:`handler` imports the codecs on first use.
"""

from __future__ import annotations

import functools

from mockmpu.core.calls import format_operation
from mockmpu.core.wire import Handler

__all__ = ["SERVED", "handler", "served_summary"]

#: Every operation mockmpu answers, as (service id, operation name).
SERVED: frozenset[tuple[str, str]] = frozenset(
    [
        *(
            ("s3", op)
            for op in (
                "AbortMultipartUpload",
                "CompleteMultipartUpload",
                "CreateBucket",
                "CreateMultipartUpload",
                "DeleteBucket",
                "GetObject",
                "HeadBucket",
                "HeadObject",
                "ListMultipartUploads",
                "ListParts",
                "UploadPart",
            )
        ),
        *(
            ("glacier", op)
            for op in (
                "AbortMultipartUpload",
                "CompleteMultipartUpload",
                "CreateVault",
                "DeleteVault",
                "DescribeVault",
                "InitiateMultipartUpload",
                "ListMultipartUploads",
                "ListParts",
                "ListVaults",
                "UploadMultipartPart",
            )
        ),
    ]
)


@functools.cache
def _handlers() -> dict[tuple[str, str], Handler]:
    from mockmpu.glacier.codec import HANDLERS as GLACIER_HANDLERS
    from mockmpu.s3.codec import HANDLERS as S3_HANDLERS
    from mockmpu.s3.object_codec import HANDLERS as S3_OBJECT_HANDLERS

    handlers = {
        **{("s3", op): h for op, h in S3_HANDLERS.items()},
        **{("s3", op): h for op, h in S3_OBJECT_HANDLERS.items()},
        **{("glacier", op): h for op, h in GLACIER_HANDLERS.items()},
    }
    assert set(handlers) == SERVED, "services.SERVED and the codecs' HANDLERS disagree"
    return handlers


def handler(service: str, operation: str) -> Handler:
    """The codec handler for a served operation (``KeyError`` for any other)."""
    return _handlers()[(service, operation)]


def served_summary() -> str:
    """``S3 AbortMultipartUpload, ...; Glacier ...``: what is served, for messages."""
    by_service: dict[str, list[str]] = {}
    for service, operation in sorted(SERVED, key=lambda so: (so[0] != "s3", so[1])):
        by_service.setdefault(service, []).append(operation)
    return "; ".join(
        format_operation(service, ", ".join(ops)) for service, ops in by_service.items()
    )
