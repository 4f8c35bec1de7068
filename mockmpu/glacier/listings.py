"""Glacier listings of a vault's multipart uploads and an upload's parts.

Pages are cut from sorted indexes with ``bisect``; markers are opaque and scoped. Re-exported by
:mod:`mockmpu.glacier.semantics`.
"""

from __future__ import annotations

import bisect

from mockmpu.core.state import MpuState
from mockmpu.glacier.rules import (
    DEFAULT_LISTING,
    LIST_LIMIT_DEFAULT,
    LIST_LIMIT_MAX,
    ListingBehaviour,
    PartPage,
    UploadPage,
    decode_marker,
    encode_marker,
    get_upload,
    get_vault,
    page_limit,
    start_position,
)


def list_multipart_uploads(
    state: MpuState,
    *,
    account_id: str,
    region: str,
    vault_name: str,
    limit: str | None = None,
    marker: str | None = None,
    behaviour: ListingBehaviour = DEFAULT_LISTING,
) -> UploadPage:
    """List in-progress uploads of a vault, in initiation order; 200.

    AWS guarantees no order; initiation order is what this fake uses. ``limit`` is a string,
    1..50, default 50. The marker is opaque: it encodes the initiation position just after the
    last upload returned (scoped to the vault), so uploads initiated, completed or aborted between
    pages never make a page skip or repeat an upload present throughout. ``marker`` is ``None``
    exactly when no upload follows the page.
    Errors, in this order: ResourceNotFoundException 404; InvalidParameterValueException 400
    ``Invalid limit: <v>`` / ``Invalid marker: <v>`` (wordings inferred; ``restart`` behaviour
    serves the first page for an unknown marker instead). Source: api-multipart-list-uploads.

    Not modelled: AWS's own marker format.
    """
    with state.lock:
        vault = get_vault(state, account_id, region, vault_name)
        size = page_limit(limit, LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX)
        decoded = decode_marker(b"U", vault.arn, marker) if marker else None
        start = start_position(marker, decoded, behaviour)
        index = vault.upload_index
        i = bisect.bisect_left(index, (start, ""))
        window = index[i : i + size + 1]
        page = [vault.uploads[upload_id] for _, upload_id in window[:size]]
        next_marker = (
            encode_marker(b"U", vault.arn, page[-1].seq + 1) if len(window) > size else None
        )
    return UploadPage(page, next_marker)


def list_parts(
    state: MpuState,
    *,
    account_id: str,
    region: str,
    vault_name: str,
    upload_id: str,
    limit: str | None = None,
    marker: str | None = None,
    behaviour: ListingBehaviour = DEFAULT_LISTING,
) -> PartPage:
    """List an in-progress upload's parts sorted by range; 200.

    ``limit`` is a string, 1..50, default 50. The opaque marker encodes the byte offset just
    after the last part's first byte (scoped to the upload), so parts uploaded between pages are
    neither skipped (when after the position) nor repeated. ``marker`` is ``None`` exactly when no
    part follows the page. Completed and aborted uploads give the upload-not-found error.
    Errors, in this order: ResourceNotFoundException 404 (vault, upload);
    InvalidParameterValueException 400 ``Invalid limit: <v>`` / ``Invalid marker: <v>``
    (wordings inferred).
    Source: api-multipart-list-parts.

    Not modelled: AWS's own marker format.
    """
    with state.lock:
        vault = get_vault(state, account_id, region, vault_name)
        upload = get_upload(vault, upload_id)
        size = page_limit(limit, LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX)
        decoded = decode_marker(b"P", upload.upload_id, marker) if marker else None
        start = start_position(marker, decoded, behaviour)
        starts = upload.part_starts
        i = bisect.bisect_left(starts, start)
        window = starts[i : i + size + 1]
        page = [upload.parts[s] for s in window[:size]]
        next_marker = (
            encode_marker(b"P", upload.upload_id, page[-1].range_start + 1)
            if len(window) > size
            else None
        )
    return PartPage(upload, page, next_marker)
