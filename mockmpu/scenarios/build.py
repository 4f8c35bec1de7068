"""Scenario recipes: each builds one layout into a state and returns its :class:`Truth`.

Everything is written through the semantics (``s3`` / ``glacier``) or the views over them, so
the state's indexes and invariants hold exactly as for calls over the wire; nothing goes through
botocore. Parts are arranged by size only (the views share one zero-filled body and its hash per
size), so a 2,500-part upload costs no part bodies. The public builders in ``mockmpu.scenarios``
document each layout and the bug it reproduces.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from itertools import islice, repeat
from operator import le

from mockmpu.core.errors import MockmpuError, ServiceError
from mockmpu.core.state import DEFAULT_REGION, GlacierUpload, MpuState, Upload
from mockmpu.glacier import semantics as _glacier
from mockmpu.glacier.view import GlacierView
from mockmpu.s3 import semantics as _s3
from mockmpu.s3.view import S3View
from mockmpu.scenarios.base import Step, Truth

__all__ = [
    "check_older_than",
    "check_page_size",
    "colliding_keys",
    "colliding_layout",
    "encoded_keys",
    "glacier_parts",
    "glacier_uploads",
    "mutation_glacier",
    "mutation_s3",
    "numbered_uploads",
    "s3_parts",
    "stale_uploads",
    "uploads_on_keys",
]

S3_PAGE = 1000
GLACIER_PAGE = _glacier.LIST_LIMIT_DEFAULT


def _now(state: MpuState) -> datetime:
    """The clock in whole seconds: S3 and Glacier timestamps carry milliseconds, always .000."""
    return state.clock.now().replace(microsecond=0)


def _width(n: int) -> int:
    return max(4, len(str(max(n - 1, 0))))


def _sorted(uploads: Iterable[Upload]) -> list[Upload]:
    """ListMultipartUploads order: key UTF-8 bytes, then initiation time, then creation."""
    return sorted(uploads, key=lambda u: (u.key.encode("utf-8"), u.initiated, u.seq))


# ------------------------------------------------------------------------------------------- S3


def _fresh_bucket(state: MpuState, name: str) -> None:
    existing = state.buckets.get(name)
    if existing is not None and (existing.uploads or existing.objects):
        raise MockmpuError(
            f"Bucket {name!r} already holds uploads or objects; give this scenario a bucket of "
            f"its own, e.g. bucket={name + '-2'!r}."
        )
    try:
        _s3.create_bucket(state, name)
    except ServiceError as error:
        raise MockmpuError(
            f"Cannot create bucket {name!r} for the scenario ({error.code}: {error.message}); "
            "pass another bucket= name."
        ) from None


def _create(state: MpuState, bucket: str, key: str, initiated: datetime) -> Upload:
    return _s3.create_multipart_upload(state, bucket, key, initiated=initiated)


def uploads_on_keys(
    state: MpuState, *, bucket: str, keys: Sequence[str], age: timedelta, page_size: int = S3_PAGE
) -> Truth:
    """One upload per key (keys may repeat), all initiated ``age`` ago."""
    _fresh_bucket(state, bucket)
    now = _now(state)
    initiated = now - age
    created = _s3.create_multipart_uploads(state, bucket, zip(keys, repeat(initiated)))
    # A fresh bucket: its listing order is the ground truth. Uploads of one instant list by key,
    # then creation, so keys given in code point (= UTF-8 byte) order are already that order.
    if all(map(le, keys, islice(keys, 1, None))):
        return Truth("s3", bucket, created, now, page_size)
    return Truth("s3", bucket, _s3.uploads_in_order(state.buckets[bucket]), now, page_size)


def numbered_uploads(
    state: MpuState, *, bucket: str, prefix: str, n: int, suffix: str, age: timedelta
) -> Truth:
    """One upload on each of ``prefix + i + suffix`` for ``i`` in ``range(n)``, zero-padded to
    :func:`_width` digits, all initiated ``age`` ago.

    The keys are made here, when the scenario is loaded, so a scenario of a million uploads
    keeps no list of keys between loads.
    """
    key = f"{prefix}{{:0{_width(n)}d}}{suffix}".format
    return uploads_on_keys(state, bucket=bucket, keys=list(map(key, range(n))), age=age)


def colliding_layout(
    *, before: int, key: str, count: int, after: int, page_size: int
) -> tuple[list[str], list[str]]:
    """Check a colliding-keys layout; return the keys before and after the run."""
    if not (0 <= before < page_size < before + count) or after < 0:
        raise MockmpuError(
            f"colliding_keys needs before < page_size < before + count (got before={before}, "
            f"page_size={page_size}, count={count}) so that the page boundary falls inside the "
            "run of uploads on one key."
        )
    w = _width(max(before, after))
    fillers = [f"a{i:0{w}d}" for i in range(before)]
    tails = [f"c{i:0{w}d}" for i in range(after)]
    if (fillers and fillers[-1] >= key) or (tails and key >= tails[0]):
        raise MockmpuError(
            f"key={key!r} must sort between {fillers[-1] if fillers else ''!r} and "
            f"{tails[0] if tails else ''!r}; use a key starting with 'b'."
        )
    return fillers, tails


def colliding_keys(
    state: MpuState,
    *,
    bucket: str,
    before: int,
    key: str,
    count: int,
    after: int,
    page_size: int,
    age: timedelta,
) -> Truth:
    """``before`` distinct keys, ``count`` uploads on ``key``, ``after`` distinct keys.

    The run on ``key`` is created newest first, so its listing order (initiation time) differs
    from creation order.
    """
    fillers, tails = colliding_layout(
        before=before, key=key, count=count, after=after, page_size=page_size
    )
    _fresh_bucket(state, bucket)
    now = _now(state)
    start = now - age
    uploads = [_create(state, bucket, k, start) for k in fillers]
    uploads += [
        _create(state, bucket, key, start + timedelta(seconds=j)) for j in reversed(range(count))
    ]
    uploads += [_create(state, bucket, k, start) for k in tails]
    return Truth("s3", bucket, _sorted(uploads), now, page_size, boundary_key=key)


#: Keys that ``EncodingType=url`` changes, in listing order: a space (encoded ``+``, which is
#: also the next key's literal character), a ``%``, a ``+`` and a non-ASCII character.
ENCODED_KEYS = ("dir/a b.bin", "dir/a%b.bin", "dir/a+b.bin", "dir/ü 1.bin")


def check_page_size(page_size: int) -> None:
    if not 1 <= page_size <= S3_PAGE:
        raise MockmpuError(f"page_size must be between 1 and {S3_PAGE}, not {page_size}.")


def encoded_keys(state: MpuState, *, bucket: str, page_size: int, age: timedelta) -> Truth:
    """``page_size - 1`` plain keys, then :data:`ENCODED_KEYS` (the first ends page 1), then 3."""
    check_page_size(page_size)
    w = _width(page_size)
    keys = [f"dir/{i:0{w}d}.bin" for i in range(page_size - 1)]
    keys += [*ENCODED_KEYS, "e/0.bin", "e/1.bin", "e/2.bin"]
    truth = uploads_on_keys(state, bucket=bucket, keys=keys, age=age, page_size=page_size)
    truth.boundary_key = ENCODED_KEYS[0]
    return truth


def check_older_than(older_than: timedelta) -> None:
    if older_than < timedelta(hours=2):
        raise MockmpuError(
            f"older_than must be at least 2 hours (got {older_than}): the edge uploads sit one "
            "hour either side of it."
        )


def stale_uploads(
    state: MpuState, *, bucket: str, stale: int, fresh: int, older_than: timedelta
) -> Truth:
    """Stale and fresh uploads around the ``older_than`` threshold, an hour either side of it."""
    check_older_than(older_than)
    _fresh_bucket(state, bucket)
    now = _now(state)
    w = _width(stale)
    uploads = [
        _create(state, bucket, "edge/just-stale.bin", now - older_than - timedelta(hours=1)),
        _create(state, bucket, "edge/just-fresh.bin", now - older_than + timedelta(hours=1)),
    ]
    uploads += [
        _create(state, bucket, f"fresh/{i}.bin", now - timedelta(hours=i)) for i in range(fresh)
    ]
    old = now - older_than - timedelta(days=23)
    uploads += [_create(state, bucket, f"stale/{i:0{w}d}.bin", old) for i in range(stale)]
    return Truth("s3", bucket, _sorted(uploads), now, S3_PAGE)


def s3_parts(state: MpuState, *, bucket: str, key: str, numbers: Iterable[int]) -> Truth:
    """One upload of ``key`` with parts ``numbers`` (5 MiB of zeros each, shared)."""
    wanted = sorted(set(numbers))
    _fresh_bucket(state, bucket)
    now = _now(state)
    upload = S3View(state).create_multipart_upload(bucket, key, initiated=now, parts=wanted)
    return Truth("s3", bucket, [upload], now, S3_PAGE, upload=upload, part_numbers=tuple(wanted))


def mutation_s3(state: MpuState, *, bucket: str) -> Truth:
    """30 uploads listed 10 a page; aborts and completions after pages 1 and 2.

    Positions 8-11 share key ``m08``, so the first page ends inside that run. After page 1:
    abort positions 0-2 (already seen), complete 10 (the next one) and abort 15. After page 2
    (which ends at 21): abort 11 and 12 (seen), complete 22 and abort 25. The upload a page ends
    on is never touched: S3 refuses an ``upload-id-marker`` that names no in-progress upload.
    """
    _fresh_bucket(state, bucket)
    now = _now(state)
    start = now - timedelta(days=30)
    keys = [f"m{i:02d}" if not 8 <= i <= 11 else "m08" for i in range(30)]
    uploads = [_create(state, bucket, k, start + timedelta(seconds=i)) for i, k in enumerate(keys)]
    for i in (10, 22):
        _s3.upload_part(state, bucket, uploads[i].key, uploads[i].upload_id, 1, b"x")
    plan = {
        1: [
            Step("abort", 0),
            Step("abort", 1),
            Step("abort", 2),
            Step("complete", 10),
            Step("abort", 15),
        ],
        2: [Step("abort", 11), Step("abort", 12), Step("complete", 22), Step("abort", 25)],
    }
    return Truth("s3", bucket, _sorted(uploads), now, 10, boundary_key="m08", plan=plan)


# -------------------------------------------------------------------------------------- Glacier


def _fresh_vault(state: MpuState, name: str) -> None:
    existing = state.vaults.get((state.account_id, DEFAULT_REGION, name))
    if existing is not None and (existing.uploads or existing.archives):
        raise MockmpuError(
            f"Vault {name!r} already holds uploads or archives; give this scenario a vault of "
            f"its own, e.g. vault={name + '-2'!r}."
        )
    GlacierView(state).create_vault(name)


def _initiate(state: MpuState, vault: str, now: datetime, parts: int = 0) -> GlacierUpload:
    return GlacierView(state).initiate_multipart_upload(vault, created=now, parts=parts)


def glacier_uploads(state: MpuState, *, vault: str, n: int, page_size: int = GLACIER_PAGE) -> Truth:
    """``n`` in-progress uploads without parts (1 MiB part size), listed in creation order."""
    _fresh_vault(state, vault)
    now = _now(state)
    uploads = [_initiate(state, vault, now) for _ in range(n)]
    return Truth("glacier", vault, uploads, now, page_size)


def glacier_parts(state: MpuState, *, vault: str, parts: int) -> Truth:
    """One upload with ``parts`` full 1 MiB parts of zeros (hashed without building them)."""
    _fresh_vault(state, vault)
    now = _now(state)
    upload = _initiate(state, vault, now, parts)
    ranges = tuple(f"{p.range_start}-{p.range_end}" for p in upload.sorted_parts())
    return Truth("glacier", vault, [upload], now, GLACIER_PAGE, upload=upload, part_ranges=ranges)


def mutation_glacier(state: MpuState, *, vault: str) -> Truth:
    """120 uploads listed 50 a page; aborts and a completion after pages 1 and 2.

    After page 1: abort positions 0-4 (seen), abort 50 (the next one), complete 60. After page 2
    (which ends at 101): abort 55 (seen) and 110.
    """
    _fresh_vault(state, vault)
    now = _now(state)
    uploads = [_initiate(state, vault, now, 1 if i == 60 else 0) for i in range(120)]
    plan = {
        1: [*(Step("abort", i) for i in range(5)), Step("abort", 50), Step("complete", 60)],
        2: [Step("abort", 55), Step("abort", 110)],
    }
    return Truth("glacier", vault, uploads, now, GLACIER_PAGE, plan=plan)
