"""Scenario builders for S3 ListMultipartUploads (and the mutation scenarios of both services).

Re-exported by :mod:`mockmpu.scenarios`; see :mod:`mockmpu.scenarios.named` for the conventions
(determinism, ground truth, faults) every builder follows.
"""

from __future__ import annotations

import functools
from datetime import timedelta

from mockmpu.core.errors import MockmpuError
from mockmpu.core.state import Clock, ClockSource
from mockmpu.scenarios import build
from mockmpu.scenarios.base import Recipe, Scenario
from mockmpu.scenarios.checks import DAYS30, check

# ------------------------------------------------------------------------------- S3 listings


def many_uploads(
    n: int = 1500,
    *,
    age: timedelta = DAYS30,
    bucket: str = "bkt",
    seed: int | None = 0,
    clock: Clock | ClockSource = None,
) -> Scenario:
    """``n`` in-progress uploads on distinct keys, so the default page of 1000 truncates.

    Keys ``uploads/0000.bin`` ... in listing order, all initiated ``age`` (default 30 days)
    ago. A correct client sees all ``n`` (:attr:`Scenario.upload_ids`); a cleaner leaves
    :meth:`Scenario.remaining_after_cleanup` (nothing, for any threshold below ``age``).

    Reproduces BUG-01 (fsspec/s3fs ``_list_multipart_uploads`` / ``clear_multipart_uploads``
    read one page: 1000 of 1500 listed, 500 left), BUG-02 (s3tools/s3cmd #1140), BUG-03a
    (NCI-GDC/cdisutils ``cancel_stale_multiparts`` via boto2 ``get_all_multipart_uploads``) and
    BUG-14 (moto returns every upload in one page, hiding all of these).
    """
    check("n", n, 0)
    return Scenario(
        name="many-uploads",
        kind="s3-listing",
        summary=f"{n} uploads on distinct keys: the default page of 1000 truncates",
        bugs=("BUG-01", "BUG-02", "BUG-03", "BUG-14"),
        recipe=functools.partial(
            build.numbered_uploads, bucket=bucket, prefix="uploads/", n=n, suffix=".bin", age=age
        ),
        params={"n": n},
        seed=seed,
        clock=clock,
    )


def colliding_keys(
    *,
    before: int = 998,
    key: str = "b",
    count: int = 10,
    after: int = 1,
    page_size: int = 1000,
    age: timedelta = DAYS30,
    bucket: str = "bkt",
    seed: int | None = 0,
    clock: Clock | ClockSource = None,
) -> Scenario:
    """``count`` uploads on one key placed so that a page of ``page_size`` ends inside the run.

    Keys ``a000``... (``before`` of them, one upload each), then ``count`` uploads on ``key``
    (created newest first: they list in initiation order), then ``after`` keys ``c...``. With
    the defaults the first page of 1000 ends after the second upload on ``b``; a correct client
    sees all 1009, a loop that sends ``KeyMarker`` alone sees 1001 (8 of the 10 on ``b`` are
    skipped). :attr:`Scenario.boundary_key` is ``key``.

    Reproduces BUG-04 (Seagate/cortx-test ``list_multipart_uploads_with_keymarker``: page 2
    requested with ``KeyMarker`` only; TEST-28537's layout put the same-key run first, hiding
    it). Raises :class:`MockmpuError` unless ``before < page_size < before + count`` and ``key``
    sorts between the keys ``a...`` and ``c...``.
    """
    build.colliding_layout(before=before, key=key, count=count, after=after, page_size=page_size)
    return Scenario(
        name="colliding-keys",
        kind="s3-listing",
        summary=f"{count} uploads on key {key!r} straddle the page boundary at {page_size}",
        bugs=("BUG-04",),
        recipe=functools.partial(
            build.colliding_keys,
            bucket=bucket,
            before=before,
            key=key,
            count=count,
            after=after,
            page_size=page_size,
            age=age,
        ),
        params={"before": before, "count": count, "page_size": page_size},
        seed=seed,
        clock=clock,
    )


def encoded_keys(
    *,
    page_size: int = 1000,
    age: timedelta = DAYS30,
    bucket: str = "bkt",
    seed: int | None = 0,
    clock: Clock | ClockSource = None,
) -> Scenario:
    """Keys that ``EncodingType=url`` changes, with the page boundary on one of them.

    ``page_size - 1`` plain keys, then ``dir/a b.bin`` (last on page 1, its encoded form
    ``dir/a+b.bin`` is also a real key), ``dir/a%b.bin``, ``dir/a+b.bin``, ``dir/ü 1.bin``, then
    ``e/0.bin``..``e/2.bin``. With ``EncodingType=url`` S3 returns keys and ``NextKeyMarker``
    encoded and botocore does not decode them for this operation. A client that sends the raw
    ``NextKeyMarker`` back as ``KeyMarker`` skips ``dir/a%b.bin`` and ``dir/a+b.bin``; sending
    both raw markers gets 400 ``InvalidArgument`` (the upload id is not an upload of the encoded
    key). A correct client decodes (``urllib.parse.unquote_plus``) keys and markers and sees
    every upload; :attr:`Scenario.keys` are the decoded keys.

    Reproduces BUG-05 (boto/boto #2948, fixed by PR #3488: the encoded marker sent back verbatim
    made the listing repeat forever; the same class as boto/boto #2561). ``page_size`` is 1..1000.
    """
    build.check_page_size(page_size)
    return Scenario(
        name="encoded-keys",
        kind="s3-listing",
        summary="keys with space, %, + and ü; page 1 ends on 'dir/a b.bin' (EncodingType=url)",
        bugs=("BUG-05",),
        recipe=functools.partial(build.encoded_keys, bucket=bucket, page_size=page_size, age=age),
        params={"page_size": page_size},
        seed=seed,
        clock=clock,
    )


def stale_uploads(
    *,
    stale: int = 1200,
    fresh: int = 3,
    older_than: timedelta = timedelta(days=7),
    bucket: str = "bkt",
    seed: int | None = 0,
    clock: Clock | ClockSource = None,
) -> Scenario:
    """Uploads initiated at chosen times around an "older than" threshold, relative to the clock.

    ``edge/just-fresh.bin`` (``older_than`` minus an hour old), ``edge/just-stale.bin``
    (``older_than`` plus an hour), ``fresh/0.bin``.. (0, 1, 2 ... hours old: ``fresh/0.bin``
    was initiated *now*) and ``stale`` uploads ``stale/....bin`` 23 days past the threshold, so
    the first page of 1000 ends among them. A correct cleaner with ``older_than`` leaves exactly
    :meth:`Scenario.remaining_after_cleanup` (the fresh ones, ``fresh + 1``); one reading one
    page leaves stale uploads behind, and one that aborts regardless of age (a test that passed
    on moto's fixed 2010 dates) removes fresh ones. The times are the mock clock's, so the
    scenario follows ``mock_mpu(clock=...)``.

    Reproduces BUG-03 (NCI-GDC/cdisutils ``cancel_stale_multiparts``: one page only (a), and
    a test that only passed because moto hard-codes ``Initiated`` to 2010-11-10 (b)).
    ``older_than`` must be at least 2 hours.
    """
    build.check_older_than(older_than)
    return Scenario(
        name="stale-uploads",
        kind="s3-listing",
        summary=f"{stale} stale + {fresh + 1} fresh uploads an hour either side of {older_than}",
        bugs=("BUG-03",),
        recipe=functools.partial(
            build.stale_uploads, bucket=bucket, stale=stale, fresh=fresh, older_than=older_than
        ),
        params={"stale": stale, "fresh": fresh, "older_than": older_than},
        seed=seed,
        clock=clock,
    )


def mutation_between_pages(
    service: str = "s3",
    *,
    bucket: str = "bkt",
    vault: str = "backups",
    seed: int | None = 0,
    clock: Clock | ClockSource = None,
) -> Scenario:
    """Uploads completed and aborted while a client pages through them.

    S3: 30 uploads listed 10 a page (positions 8-11 share key ``m08``, so page 1 ends inside
    it). Glacier: 120 uploads listed 50 a page. :attr:`Scenario.plan` lists the changes that
    :meth:`Scenario.between_pages` makes after pages 1 and 2: uploads already seen and not yet
    seen are aborted, and unseen ones completed. A client that pages with markers and calls
    ``between_pages(i)`` after page ``i`` must see :attr:`Scenario.expected_seen`: nothing
    skipped, nothing twice. A client that resumes by position (an offset into a fresh listing,
    as index-based markers do) skips uploads.

    Reproduces the position-stability requirement in the bug catalog (section D.3: cleanup
    scripts list a page, abort it, and list on), and the index-marker mistake of BUG-13 (moto's
    ``partlist[marker:...]``) applied to listings.
    """
    if service == "s3":
        recipe: Recipe = functools.partial(build.mutation_s3, bucket=bucket)
        kind = "s3-listing"
    elif service == "glacier":
        recipe = functools.partial(build.mutation_glacier, vault=vault)
        kind = "glacier-listing"
    else:
        raise MockmpuError(f"service must be 's3' or 'glacier', not {service!r}.")
    return Scenario(
        name=f"mutation-between-pages-{service}",
        kind=kind,
        summary="uploads aborted and completed between pages; markers stay position-stable",
        bugs=("D.3", "BUG-13"),
        recipe=recipe,
        params={"service": service},
        seed=seed,
        clock=clock,
    )


def omit_next_upload_id_marker(
    *, bucket: str = "bkt", seed: int | None = 0, clock: Clock | ClockSource = None
) -> Scenario:
    """The :func:`colliding_keys` layout on a server that leaves out ``NextUploadIdMarker``.

    botocore's paginator then sends ``KeyMarker`` alone and gets 1001 of 1009 uploads; a loop
    reading ``r["NextUploadIdMarker"]`` gets a ``KeyError``. A robust client takes the markers
    from the page's last upload (``Key``, ``UploadId``) and sees all 1009.

    Reproduces BUG-07 (akka/alpakka PR #2749; servers: treeverse/lakeFS #9035, storj/edge #213).
    Fault switch ``omit_next_upload_id_marker``.
    """
    return Scenario(
        name="omit-next-upload-id-marker",
        kind="s3-listing",
        summary="colliding keys on a server that omits NextUploadIdMarker (fault)",
        bugs=("BUG-07",),
        recipe=functools.partial(
            build.colliding_keys,
            bucket=bucket,
            before=998,
            key="b",
            count=10,
            after=1,
            page_size=1000,
            age=DAYS30,
        ),
        params={},
        faults={"omit_next_upload_id_marker": True},
        seed=seed,
        clock=clock,
    )


def strict_empty_markers(
    n: int = 3, *, bucket: str = "bkt", seed: int | None = 0, clock: Clock | ClockSource = None
) -> Scenario:
    """``n`` uploads under ``logs/`` on a server that rejects empty markers.

    Real S3 accepts ``KeyMarker=""`` / ``UploadIdMarker=""``; Google Cloud Storage's S3 API
    answers an empty upload-id marker with 400 ``InvalidArgument``. A client that sends markers
    only after a truncated page sees all ``n``.

    Reproduces BUG-06 (syslog-ng/syslog-ng PR #4956). Fault switch ``strict_empty_markers``.
    """
    return Scenario(
        name="strict-empty-markers",
        kind="s3-listing",
        summary=f"{n} uploads on a server that rejects empty markers (fault)",
        bugs=("BUG-06",),
        recipe=functools.partial(
            build.uploads_on_keys,
            bucket=bucket,
            keys=[f"logs/{i}.gz" for i in range(n)],
            age=DAYS30,
        ),
        params={"n": n},
        faults={"strict_empty_markers": True},
        seed=seed,
        clock=clock,
    )


def prefixes_only_page(
    dirs: int = 1000,
    after: int = 5,
    *,
    age: timedelta = DAYS30,
    bucket: str = "bkt",
    seed: int | None = 0,
    clock: Clock | ClockSource = None,
) -> Scenario:
    """AWS's own trap: a truncated delimited page that holds only ``CommonPrefixes``.

    Keys ``dir0000/part.bin`` ... (``dirs`` of them, one upload each), then ``top-0.bin`` ...
    (``after`` uploads at the top level). Listed with ``Delimiter="/"`` and the default page of
    1000, the first page is ``dirs`` (≥ 1000) prefixes and no upload, ``IsTruncated=true``, and
    both ``NextKeyMarker`` and ``NextUploadIdMarker`` empty: that is what AWS answered
    (aws-semantics.md §1.5, recorded ``list-multiparts-start``), not a fault. botocore's
    paginator reads the empty markers as "no more" and stops silently, so the ``top-*`` uploads
    are never listed. A correct client pages on without the delimiter (and groups keys itself),
    or restarts with ``KeyMarker`` set past the last prefix; it sees every upload
    (:attr:`Scenario.upload_ids`, ``dirs + after`` of them). Raises :class:`MockmpuError` unless
    ``dirs >= 1000`` (a shorter run of prefixes fits in one page with the uploads after it).

    Reproduces AWS's own behaviour, not a client's bug report: the silent stop of BUG-07 (a
    Next marker missing from a truncated page), here with both markers empty on real S3.
    """
    check("dirs", dirs, 1000)
    check("after", after, 1)
    width = max(4, len(str(dirs - 1)))
    keys = [f"dir{i:0{width}d}/part.bin" for i in range(dirs)]
    keys += [f"top-{i}.bin" for i in range(after)]
    return Scenario(
        name="prefixes-only-page",
        kind="s3-listing",
        summary=(
            f"{dirs} prefixes fill a delimited page: AWS truncates it with empty markers and the "
            "paginator stops"
        ),
        bugs=("BUG-07",),
        recipe=functools.partial(build.uploads_on_keys, bucket=bucket, keys=keys, age=age),
        params={"dirs": dirs, "after": after},
        seed=seed,
        clock=clock,
    )
