"""S3 listings as pure functions over ``MpuState``: ListMultipartUploads and ListParts.

Pages are found by bisecting ``Bucket.index`` (a ``SortedList``: uploads) and
``Upload.part_numbers`` (parts), so a page costs O(log n + page) and never scans the bucket.
Re-exported by ``s3.semantics``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from mockmpu.core.errors import ServiceError
from mockmpu.core.records import order_of, position_after
from mockmpu.core.state import Bucket, MpuState, Part, Upload
from mockmpu.s3.rules import (
    MAX_PAGE,
    Principal,
    RawInt,
    check_non_negative,
    find_upload,
    get_bucket,
    invalid_argument,
    owner,
    parse_int32,
    successor,
)

__all__ = [
    "ListMultipartUploadsResult",
    "ListPartsResult",
    "list_multipart_uploads",
    "list_parts",
    "uploads_in_order",
]

#: The account's principal per account id: ``owner()`` hashes the id on every call.
_OWNERS: dict[str, Principal] = {}


def _owner(state: MpuState) -> Principal:
    principal = _OWNERS.get(state.account_id)
    if principal is None:
        if len(_OWNERS) >= 256:  # many accounts (a fuzzing test): start again
            _OWNERS.clear()
        principal = _OWNERS[state.account_id] = owner(state)
    return principal


# ----------------------------------------------------------------------------------------- parts


#: Fills a frozen instance's ``__dict__`` in one step (a frozen dataclass's generated
#: ``__init__`` makes one ``object.__setattr__`` call per field: twice the cost, every page).
_set_dict = object.__setattr__


@dataclass(frozen=True, init=False)
class ListPartsResult:
    """One ListParts page. ``next_part_number_marker`` is 0 when the page holds no part."""

    bucket: str
    upload: Upload
    part_number_marker: int
    next_part_number_marker: int
    max_parts: int
    is_truncated: bool
    parts: tuple[Part, ...]
    owner: Principal

    def __init__(
        self,
        bucket: str,
        upload: Upload,
        part_number_marker: int,
        next_part_number_marker: int,
        max_parts: int,
        is_truncated: bool,
        parts: tuple[Part, ...],
        owner: Principal,
    ) -> None:
        _set_dict(
            self,
            "__dict__",
            {
                "bucket": bucket,
                "upload": upload,
                "part_number_marker": part_number_marker,
                "next_part_number_marker": next_part_number_marker,
                "max_parts": max_parts,
                "is_truncated": is_truncated,
                "parts": parts,
                "owner": owner,
            },
        )


def list_parts(
    state: MpuState,
    bucket: str,
    key: str,
    upload_id: str,
    *,
    max_parts: RawInt = None,
    part_number_marker: RawInt = None,
) -> ListPartsResult:
    """List an upload's parts in ascending part number (models S3 ListParts).

    ``part_number_marker`` is a part **number**: only parts numbered above it are listed (it need
    not exist; ``""``/absent is 0). ``max_parts`` defaults to 1000 and is capped at 1000 (echoed
    as 1000); 0 gives an empty page that is not truncated. ``next_part_number_marker`` is the
    last listed part's number, also when the page is not truncated, and 0 for an empty page
    (recorded ``list-parts-all``, ``list-parts-empty``, ``list-parts-wrong-part``).
    ``is_truncated`` is true exactly when parts remain after the page. O(log n + page).

    Errors, in this order: ``InvalidArgument`` 400 ``Provided max-parts not an integer or within
    integer range`` / ``Provided part-number-marker not ...``; ``NoSuchBucket`` 404;
    ``InvalidArgument`` 400 ``Argument max-parts must be an integer between 0 and 2147483647`` /
    the same for part-number-marker (reported, versitygw); ``NoSuchUpload`` 404 (with UploadId)
    for an unknown id, the wrong key, or a completed/aborted upload (recorded). The order of the
    range checks against the lookups is inferred from ListMultipartUploads.

    Source: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListParts.html

    Not modelled: AbortDate/AbortRuleId lifecycle headers, SSE-C, request-payer.
    """
    limit = parse_int32(max_parts, "max-parts", MAX_PAGE)
    marker = parse_int32(part_number_marker, "part-number-marker", 0)
    with state.lock:
        b = get_bucket(state, bucket)
        check_non_negative(limit, "max-parts")
        check_non_negative(marker, "part-number-marker")
        upload = find_upload(b, key, upload_id)
        limit = min(limit, MAX_PAGE)
        numbers = upload.part_numbers
        start = bisect.bisect_right(numbers, marker)
        page = numbers[start : start + limit]
        parts = tuple(upload.parts[n] for n in page)
        return ListPartsResult(
            bucket=bucket,
            upload=upload,
            part_number_marker=marker,
            next_part_number_marker=page[-1] if page else 0,
            max_parts=limit,
            is_truncated=limit > 0 and start + limit < len(numbers),
            parts=parts,
            owner=_owner(state),
        )


def uploads_in_order(
    bucket: Bucket, *, key: str | None = None, prefix: str | None = None
) -> list[Upload]:
    """Return a bucket's in-progress uploads in listing order, optionally of one key or prefix."""
    index = bucket.index
    if key is not None:
        key.encode("utf-8")  # a key S3 could not hold raises as before
        return bucket.uploads_in([key] if key in bucket.by_key else [])
    if prefix:
        prefix.encode("utf-8")
        lo = index.bisect_left(prefix)
        succ = successor(prefix)
        hi = len(index) if succ is None else index.bisect_left(succ)
        return bucket.uploads_in(index.islice(lo, hi))
    return bucket.uploads_in(index)


# --------------------------------------------------------------------------------------- listing


@dataclass(frozen=True, init=False)
class ListMultipartUploadsResult:
    """One ListMultipartUploads page, with raw (unencoded) keys.

    ``key_marker``/``upload_id_marker``/``prefix``/``delimiter`` are the echoes AWS sends (the
    upload-id marker is ``""`` when no key-marker was given); ``encoding_type`` is the value sent,
    or ``None``; the codec URL-encodes keys, markers, prefix, delimiter and common prefixes when
    it is set. Next markers name the page's last Upload, or are ``""`` when it holds none.
    """

    bucket: str
    key_marker: str
    upload_id_marker: str
    next_key_marker: str
    next_upload_id_marker: str
    delimiter: str
    prefix: str
    max_uploads: int
    encoding_type: str | None
    is_truncated: bool
    uploads: tuple[Upload, ...]
    common_prefixes: tuple[str, ...]
    owner: Principal

    def __init__(
        self,
        bucket: str,
        key_marker: str,
        upload_id_marker: str,
        next_key_marker: str,
        next_upload_id_marker: str,
        delimiter: str,
        prefix: str,
        max_uploads: int,
        encoding_type: str | None,
        is_truncated: bool,
        uploads: tuple[Upload, ...],
        common_prefixes: tuple[str, ...],
        owner: Principal,
    ) -> None:
        _set_dict(
            self,
            "__dict__",
            {
                "bucket": bucket,
                "key_marker": key_marker,
                "upload_id_marker": upload_id_marker,
                "next_key_marker": next_key_marker,
                "next_upload_id_marker": next_upload_id_marker,
                "delimiter": delimiter,
                "prefix": prefix,
                "max_uploads": max_uploads,
                "encoding_type": encoding_type,
                "is_truncated": is_truncated,
                "uploads": uploads,
                "common_prefixes": common_prefixes,
                "owner": owner,
            },
        )


def list_multipart_uploads(
    state: MpuState,
    bucket: str,
    *,
    prefix: str | None = None,
    delimiter: str | None = None,
    key_marker: str | None = None,
    upload_id_marker: str | None = None,
    max_uploads: RawInt = None,
    encoding_type: str | None = None,
) -> ListMultipartUploadsResult:
    """List a bucket's in-progress uploads, one page (models S3 ListMultipartUploads).

    Order: key UTF-8 bytes, then initiation time, then creation (recorded
    ``test_list_multiparts_next_marker``: same-key uploads in initiation order, not id order).

    - ``key_marker`` alone: only keys strictly greater; every upload of that key is skipped.
    - ``key_marker`` + ``upload_id_marker``: positional resume right after that upload in the
      order above. It must name an upload of exactly that key, else ``InvalidArgument`` 400
      ``Invalid uploadId marker`` (ArgumentName=upload-id-marker; recorded for another key's
      upload). An upload of that key completed or aborted since is still accepted and the
      listing resumes after its old place: minio/minio#1805 reports AWS accepting an aborted
      upload's id, and every paginate-and-abort cleaner relies on it (inferred: AWS may forget
      such ids after some time; the fake never does).
    - ``upload_id_marker`` without ``key_marker`` is ignored and echoed as ``""``.
    - Markers and prefix are compared as sent (raw), also under ``encoding-type=url``
      (boto/boto3 issue #3621: AWS does not decode an encoded marker sent back).
    - ``prefix`` restricts keys; ``delimiter`` rolls keys up into one CommonPrefix per distinct
      ``prefix + ... + delimiter``. A CommonPrefix not greater than ``key_marker`` is dropped
      with all its uploads. Uploads and CommonPrefixes together count toward ``max_uploads``.
    - ``max_uploads``: absent/``""`` -> 1000; above 1000 served and echoed as 1000; 0 -> empty,
      not truncated.
    - Next markers: the last Upload on the page even when not truncated; ``""`` when the page
      holds no Upload even when truncated (then botocore's paginator stops; AWS does this).
    - ``is_truncated``: another Upload or new CommonPrefix remains after the page.

    Cost: O(log n + page) by bisecting ``Bucket.index``; each CommonPrefix is skipped with one
    more bisect.

    Errors, in this order (aws-semantics.md §1.6): ``InvalidArgument`` 400 ``Provided
    max-uploads not an integer or within integer range``; ``NoSuchBucket`` 404;
    ``InvalidArgument`` 400 ``Invalid Encoding Method specified in Request`` for any
    encoding-type but ``url`` (case-insensitive; the empty string too); ``InvalidArgument`` 400
    ``Argument max-uploads must be an integer between 0 and 2147483647``; the upload-id-marker
    error above. All InvalidArgument errors carry ArgumentName/ArgumentValue. With
    ``state.behaviour.strict_empty_markers`` (not AWS: Google Cloud Storage), an
    ``upload_id_marker`` sent empty is ``InvalidArgument`` 400 ``Invalid argument.`` with
    ``Details`` ``Invalid upload ID marker: `` instead, checked where the markers are.

    Source: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html

    Not modelled: directory buckets (unsorted), request-payer, expected-bucket-owner.
    """
    limit = parse_int32(max_uploads, "max-uploads", MAX_PAGE)
    with state.lock:
        b = get_bucket(state, bucket)
        if encoding_type is not None and encoding_type.lower() != "url":
            raise invalid_argument(
                "Invalid Encoding Method specified in Request", "encoding-type", encoding_type
            )
        check_non_negative(limit, "max-uploads")
        limit = min(limit, MAX_PAGE)
        if upload_id_marker == "" and state.behaviour.strict_empty_markers:
            # Google Cloud Storage's answer (syslog-ng/syslog-ng#4956); AWS accepts it (BUG-06).
            raise ServiceError(
                "InvalidArgument",
                "Invalid argument.",
                400,
                {"Details": "Invalid upload ID marker: "},
            )
        km = key_marker or ""
        uim = (upload_id_marker or "") if km else ""
        pfx = prefix or ""
        delim = delimiter or ""
        index = b.index  # the keys with uploads; see Bucket
        by_key = b.by_key
        km.encode("utf-8")  # what UTF-8 cannot carry raises, as when keys were compared as bytes
        skip = 0  # uploads of the first key to pass over (those up to the upload-id marker)
        if km and uim:
            marker = b.uploads.get(uim) or b.retired.get(uim)
            if marker is None or marker.key != km:
                raise invalid_argument("Invalid uploadId marker", "upload-id-marker", uim)
            start = index.bisect_left(km)
            have = by_key.get(km)
            if have is not None:
                group = have if isinstance(have, list) else [have]
                skip = position_after(group, order_of(marker))
        elif km:
            start = index.bisect_right(km)
        else:
            start = 0
        pfx.encode("utf-8")
        delim.encode("utf-8")
        end = len(index)
        if pfx:
            first = index.bisect_left(pfx)
            if first > start:
                start, skip = first, 0
            succ = successor(pfx)
            if succ is not None:
                end = max(start, index.bisect_left(succ))
        uploads: list[Upload] = []
        prefixes: list[str] = []
        truncated = False
        if not delim:  # no CommonPrefixes: the page is the next ``limit`` uploads
            # Every key in the index has an upload, so ``limit + 1`` keys hold the page and
            # tell whether more follow (the marker can pass over at most the first key).
            stop = min(end, start + limit + 1) if limit else start
            groups = list(map(by_key.__getitem__, index.islice(start, stop)))
            flat: list[Upload] = groups  # type: ignore[assignment]  # one upload per key
            if list in map(type, groups):
                flat = []
                for have in groups:
                    if isinstance(have, list):
                        flat.extend(have)
                    else:
                        flat.append(have)
            if skip:
                del flat[:skip]
            uploads = flat[:limit]
            truncated = len(flat) > limit or (limit > 0 and stop < end)
        else:
            i = start
            # Walk the keys with one iterator (positional access into a SortedList is
            # O(log n)); a CommonPrefix restarts it after the prefix's last key.
            keys = index.islice(start, end)
            while limit and i < end:
                key = next(keys)
                cut = key.find(delim, len(pfx))
                if cut >= 0:
                    common = key[: cut + len(delim)]
                    after = successor(common)
                    nxt = end if after is None else min(end, index.bisect_left(after))
                    if not km or common > km:
                        if len(uploads) + len(prefixes) == limit:
                            truncated = True
                            break
                        prefixes.append(common)
                    i, skip = nxt, 0
                    keys = index.islice(i, end)
                    continue
                have = by_key[key]
                for upload in have[skip:] if isinstance(have, list) else (have,)[skip:]:
                    if len(uploads) + len(prefixes) == limit:
                        truncated = True
                        break
                    uploads.append(upload)
                if truncated:
                    break
                i, skip = i + 1, 0
        last = uploads[-1] if uploads else None
        return ListMultipartUploadsResult(
            bucket=bucket,
            key_marker=km,
            upload_id_marker=uim,
            next_key_marker=last.key if last else "",
            next_upload_id_marker=last.upload_id if last else "",
            delimiter=delim,
            prefix=pfx,
            max_uploads=limit,
            encoding_type=encoding_type,
            is_truncated=truncated,
            uploads=tuple(uploads),
            common_prefixes=tuple(prefixes),
            owner=_owner(state),
        )
