"""Named scenarios: the states in which real client code broke, with their ground truth.

Each builder returns a :class:`Scenario`: a recipe (nothing is built yet) that knows the bug it
reproduces. Load it into a mock and read the ground truth from the loaded scenario::

    from mockmpu import mock_mpu, scenarios

    with mock_mpu(scenario=scenarios.colliding_keys()) as mpu:
        sc = mpu.scenario                   # bound to this mock's state
        seen = my_lister(boto3.client("s3"), sc.bucket)
        assert [u["UploadId"] for u in seen] == list(sc.upload_ids)

or with pytest: ``@pytest.mark.mpu_mock(scenario=scenarios.many_uploads())`` and the
``mpu_scenario`` fixture, or :func:`parametrize` over every scenario of a kind.

Builders write through the same semantics the wire uses (so every invariant holds) without
going through botocore, so they are fast. They are deterministic: upload ids come from the
state's seed (a fresh ``mock_mpu(seed=s)`` and ``builder(seed=s)`` give the same ids), and every
timestamp is the state's clock in whole seconds minus a fixed age, so "older than N days" logic
sees real, distinct dates (moto stamps every upload 2010-11-10, which is why a cleaner tested on
it cannot tell old from new).

Bug numbers refer to the project's bug catalog (``bug-catalog.md``); each builder cites the
public report. Scenarios with ``faults`` switch the server away from AWS's behaviour (for
servers such as GCS, lakeFS, MinIO, Ceph, or a stringified Glacier marker); :func:`parametrize`
leaves them out unless asked.

Not modelled: scenarios for object listing, versioning, or other S3-compatible servers' quirks
beyond the switches in ``ServerBehaviour``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import timedelta
from typing import Any, Callable, TypeVar

from mockmpu.core.errors import MockmpuError
from mockmpu.core.state import Clock, ClockSource
from mockmpu.scenarios import build
from mockmpu.scenarios.base import KINDS, PARAMETRIZED, Recipe, Scenario, Step, UploadRef

_Test = TypeVar("_Test")

__all__ = [
    "KINDS",
    "Scenario",
    "Step",
    "UploadRef",
    "catalog",
    "colliding_keys",
    "empty_upload",
    "encoded_keys",
    "get",
    "glacier_end_marker",
    "glacier_many_parts",
    "glacier_unknown_marker",
    "many_parts",
    "many_uploads",
    "mutation_between_pages",
    "omit_next_upload_id_marker",
    "parametrize",
    "sparse_parts",
    "stale_uploads",
    "strict_empty_markers",
    "stuck_next_part_number_marker",
]

_DAYS30 = timedelta(days=30)
_MAX_PARTS = 10_000


def _check(name: str, value: int, low: int, high: int | None = None) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise MockmpuError(f"{name} must be a whole number {bound}, not {value!r}.")


# ------------------------------------------------------------------------------- S3 listings


def many_uploads(
    n: int = 1500,
    *,
    age: timedelta = _DAYS30,
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
    _check("n", n, 0)
    return Scenario(
        name="many-uploads",
        kind="s3-listing",
        summary=f"{n} uploads on distinct keys: the default page of 1000 truncates",
        bugs=("BUG-01", "BUG-02", "BUG-03", "BUG-14"),
        recipe=functools.partial(
            build.uploads_on_keys,
            bucket=bucket,
            keys=[f"uploads/{i:0{max(4, len(str(n - 1)))}d}.bin" for i in range(n)],
            age=age,
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
    age: timedelta = _DAYS30,
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
    age: timedelta = _DAYS30,
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
            age=_DAYS30,
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
            age=_DAYS30,
        ),
        params={"n": n},
        faults={"strict_empty_markers": True},
        seed=seed,
        clock=clock,
    )


# ---------------------------------------------------------------------------------- S3 parts


def _s3_parts(
    name: str,
    summary: str,
    bugs: tuple[str, ...],
    numbers: Iterable[int],
    params: dict[str, Any],
    bucket: str,
    key: str,
    seed: int | None,
    clock: Clock | ClockSource,
    faults: dict[str, Any] | None = None,
) -> Scenario:
    return Scenario(
        name=name,
        kind="s3-parts",
        summary=summary,
        bugs=bugs,
        recipe=functools.partial(build.s3_parts, bucket=bucket, key=key, numbers=tuple(numbers)),
        params=params,
        faults=faults,
        seed=seed,
        clock=clock,
    )


def many_parts(
    n: int = 2500,
    *,
    bucket: str = "bkt",
    key: str = "big.bin",
    seed: int | None = 0,
    clock: Clock | ClockSource = None,
) -> Scenario:
    """One upload with parts 1..``n`` (5 MiB each), so ListParts truncates at 1000.

    A resume of an ``n``-part file must upload nothing; one that reads a single ListParts page
    re-uploads ``n - 1000`` parts. :attr:`Scenario.part_numbers` is ``1..n``.

    Reproduces BUG-08 (s3tools/s3cmd #346 and #414: ``put --upload-id`` read one page of parts).
    """
    _check("n", n, 0, _MAX_PARTS)
    return _s3_parts(
        "many-parts",
        f"one upload with parts 1..{n}: ListParts truncates at 1000",
        ("BUG-08",),
        range(1, n + 1),
        {"n": n},
        bucket,
        key,
        seed,
        clock,
    )


def sparse_parts(
    numbers: Iterable[int] = range(1, 3001, 2),
    *,
    bucket: str = "bkt",
    key: str = "big.bin",
    seed: int | None = 0,
    clock: Clock | ClockSource = None,
) -> Scenario:
    """One upload with sparse part numbers (default 1, 3, ..., 2999: 1500 parts).

    ``PartNumberMarker`` is a part number, not a count: a client that passes the number of parts
    seen so far collects 2000 items for the default, 500 of them twice. Every part must be
    listed exactly once, whatever the page size (:attr:`Scenario.part_numbers`).

    Reproduces BUG-11 (the misuse; relative: scality/cloudserver #445) and BUG-13 (moto
    ``FakeMultipart.list_parts`` slices by index since getmoto/moto PR #4624, losing parts).
    """
    wanted = tuple(numbers)
    for number in wanted:
        _check("every part number", number, 1, _MAX_PARTS)
    return _s3_parts(
        "sparse-parts",
        f"one upload with {len(wanted)} sparse part numbers: "
        + ", ".join(map(str, sorted(set(wanted))[:3]))
        + ", ...",
        ("BUG-11", "BUG-13"),
        wanted,
        {"parts": len(wanted)},
        bucket,
        key,
        seed,
        clock,
    )


def stuck_next_part_number_marker(
    n: int = 1500,
    *,
    bucket: str = "bkt",
    key: str = "big.bin",
    seed: int | None = 0,
    clock: Clock | ClockSource = None,
) -> Scenario:
    """Parts 1..``n`` on a server whose ``NextPartNumberMarker`` repeats the request's marker.

    The first page echoes ``NextPartNumberMarker`` 0, which botocore's paginator reads as "no
    token": it stops after 1000 parts without an error (from a non-zero ``StartingToken`` it
    raises ``PaginationError``, the same token twice). A ``while IsTruncated`` loop on
    ``NextPartNumberMarker`` repeats one page forever (mockmpu's loop guard stops it). A robust
    client pages on the last listed part number and sees all ``n``.

    Reproduces BUG-10 (minio/minio PR #1528 fixing #1522; ceph/ceph PR #40801, tracker 50293).
    Fault switch ``stuck_next_part_number_marker``.
    """
    _check("n", n, 0, _MAX_PARTS)
    return _s3_parts(
        "stuck-next-part-number-marker",
        f"parts 1..{n} on a server whose NextPartNumberMarker never advances (fault)",
        ("BUG-10",),
        range(1, n + 1),
        {"n": n},
        bucket,
        key,
        seed,
        clock,
        faults={"stuck_next_part_number_marker": True},
    )


def empty_upload(
    service: str = "s3",
    *,
    bucket: str = "bkt",
    key: str = "empty.bin",
    vault: str = "backups",
    seed: int | None = 0,
    clock: Clock | ClockSource = None,
) -> Scenario:
    """One in-progress upload with no parts (S3 or Glacier).

    S3 ListParts answers ``NextPartNumberMarker`` 0 and no ``Part`` element, so botocore's
    result has no ``Parts`` key. Glacier answers ``{"Parts": [], "Marker": null}``. A resume must
    handle zero parts (:attr:`Scenario.part_numbers` / :attr:`Scenario.part_ranges` are empty).

    Reproduces BUG-12b (uskudnik/amazon-glacier-cmd-interface #145, fixed by PR #146: ``stop``
    used before assignment when the part list was empty).
    """
    if service == "s3":
        return _s3_parts(
            "empty-upload-s3",
            "one S3 upload with 0 parts",
            ("BUG-12b",),
            (),
            {"service": service},
            bucket,
            key,
            seed,
            clock,
        )
    if service != "glacier":
        raise MockmpuError(f"service must be 's3' or 'glacier', not {service!r}.")
    return Scenario(
        name="empty-upload-glacier",
        kind="glacier-parts",
        summary="one Glacier upload with 0 parts",
        bugs=("BUG-12b",),
        recipe=functools.partial(build.glacier_parts, vault=vault, parts=0),
        params={"service": service},
        seed=seed,
        clock=clock,
    )


# ------------------------------------------------------------------------------------ Glacier

#: ``glacier_end_marker`` styles and the ``ServerBehaviour.glacier_end_marker`` value of each.
END_MARKER_STYLES = {
    "json-null": "null",
    "absent": "absent",
    "string-null": "string-null",
    "string-None": "string-None",
}


def glacier_end_marker(
    style: str = "json-null",
    *,
    n: int = 120,
    vault: str = "backups",
    seed: int | None = 0,
    clock: Clock | ClockSource = None,
) -> Scenario:
    """``n`` Glacier uploads (3 pages of 50) whose listing ends with the given ``Marker`` style.

    - ``json-null`` (AWS, the default): ``"Marker": null``; botocore drops the key, so code
      reading ``r["Marker"]`` raises ``KeyError`` after 3 requests (BUG-12d). The paginator and
      ``r.get("Marker")`` loops see all ``n``.
    - ``absent`` (opt-in): no ``Marker`` member; clients see the same as with JSON null.
    - ``string-null`` (opt-in): the string ``"null"``; every marker-following client sends it
      back and gets 400 ``InvalidParameterValueException`` on request 4 (BUG-12e).
    - ``string-None`` (opt-in): the string ``"None"``; botocore's paginator drops a ``'None'``
      token and restarts from page 1, forever (BUG-12e).

    A robust client treats ``None``, ``""``, ``"null"`` and ``"None"`` as the end and sees all
    :attr:`Scenario.upload_ids`.

    Reproduces BUG-12d (boto/boto ``Vault.list_all_parts`` and amazon-glacier-cmd-interface
    ``GlacierWrapper`` read ``result['Marker']``: correct on boto2, KeyError under boto3) and
    BUG-12e (stringified end markers; a hypothesis scenario, no public report).
    """
    if style not in END_MARKER_STYLES:
        raise MockmpuError(f"style must be one of {', '.join(END_MARKER_STYLES)}, not {style!r}.")
    _check("n", n, 0)
    faults = {} if style == "json-null" else {"glacier_end_marker": END_MARKER_STYLES[style]}
    return Scenario(
        name=f"glacier-end-marker-{style}",
        kind="glacier-listing",
        summary=f"{n} Glacier uploads; the last page ends with Marker {style}"
        + (" (fault)" if faults else " (AWS)"),
        bugs=("BUG-12d", "BUG-12e") if faults else ("BUG-12d",),
        recipe=functools.partial(build.glacier_uploads, vault=vault, n=n),
        params={"style": style, "n": n},
        faults=faults,
        seed=seed,
        clock=clock,
    )


def glacier_unknown_marker(
    mode: str = "error",
    *,
    parts: int = 120,
    vault: str = "backups",
    seed: int | None = 0,
    clock: Clock | ClockSource = None,
) -> Scenario:
    """An upload with ``parts`` parts whose ListParts ends with the string ``"null"``, on a
    server that answers a marker it never issued with ``mode``.

    - ``error``: 400 ``InvalidParameterValueException``: the paginator fails on request 4.
    - ``restart``: the first page again: the paginator cycles through the pages forever
      (its same-token check does not fire: the tokens go 50, 100, ``"null"``, 50 ...).

    A robust client stops at ``"null"`` and sees :attr:`Scenario.part_ranges`.

    Reproduces BUG-12e (what real Glacier does with an unknown marker is not recorded).
    Fault switches ``glacier_end_marker="string-null"`` and ``glacier_unknown_marker``.
    """
    if mode not in ("error", "restart"):
        raise MockmpuError(f"mode must be 'error' or 'restart', not {mode!r}.")
    _check("parts", parts, 0, _MAX_PARTS)
    return Scenario(
        name=f"glacier-unknown-marker-{mode}",
        kind="glacier-parts",
        summary=f'{parts} parts, end marker "null", unknown markers: {mode} (fault)',
        bugs=("BUG-12e",),
        recipe=functools.partial(build.glacier_parts, vault=vault, parts=parts),
        params={"mode": mode, "parts": parts},
        faults={"glacier_end_marker": "string-null", "glacier_unknown_marker": mode},
        seed=seed,
        clock=clock,
    )


def glacier_many_parts(
    parts: int = 880,
    *,
    vault: str = "backups",
    seed: int | None = 0,
    clock: Clock | ClockSource = None,
) -> Scenario:
    """One Glacier upload with ``parts`` 1 MiB parts: ListParts pages of 50.

    A resume must list all of them (:attr:`Scenario.part_ranges`). Reading one page sees 50;
    glacier-upload 1.x's ``list_parts(vaultName=..., marker=...)`` drops ``uploadId`` and fails
    botocore's parameter validation on page 2.

    Reproduces BUG-12a (boto/boto 22f960b3 / 5672c19b: ``limit`` and ``marker`` never sent;
    uskudnik/amazon-glacier-cmd-interface #69: an upload 880 parts in could not be resumed) and
    BUG-12c (tbumi/glacier-upload ``list_parts_in_upload`` before v2.0).
    """
    _check("parts", parts, 0, _MAX_PARTS)
    return Scenario(
        name="glacier-many-parts",
        kind="glacier-parts",
        summary=f"one Glacier upload with {parts} parts: ListParts pages of 50",
        bugs=("BUG-12a", "BUG-12c"),
        recipe=functools.partial(build.glacier_parts, vault=vault, parts=parts),
        params={"parts": parts},
        seed=seed,
        clock=clock,
    )


# ------------------------------------------------------------------------------ the catalog


def catalog(kind: str | None = None, *, faults: bool = True) -> tuple[Scenario, ...]:
    """Every named scenario with its default arguments, optionally of one ``kind``.

    ``faults=False`` leaves out the scenarios that switch the server away from AWS's behaviour.
    Names are unique; the order is stable.
    """
    if kind is not None and kind not in KINDS:
        raise MockmpuError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}.")
    every = (
        many_uploads(),
        colliding_keys(),
        encoded_keys(),
        stale_uploads(),
        mutation_between_pages("s3"),
        omit_next_upload_id_marker(),
        strict_empty_markers(),
        many_parts(),
        sparse_parts(),
        empty_upload("s3"),
        stuck_next_part_number_marker(),
        *(glacier_end_marker(style) for style in END_MARKER_STYLES),
        mutation_between_pages("glacier"),
        glacier_many_parts(),
        empty_upload("glacier"),
        glacier_unknown_marker("error"),
        glacier_unknown_marker("restart"),
    )
    return tuple(s for s in every if (kind is None or s.kind == kind) and (faults or not s.faults))


def get(name: str) -> Scenario:
    """The catalog scenario called ``name`` (see ``python -m mockmpu scenarios``)."""
    for scenario in catalog():
        if scenario.name == name:
            return scenario
    names = ", ".join(s.name for s in catalog())
    raise MockmpuError(f"No scenario is called {name!r}; the names are: {names}.")


def parametrize(
    kind: str | None = None,
    *,
    faults: bool = False,
    scenarios: Iterable[Scenario] | None = None,
) -> Callable[[_Test], _Test]:
    """Parametrize a test (function or class) over scenarios, loaded into the ``mpu_mock`` fixture.

    The test takes the ``mpu_scenario`` fixture (the loaded scenario, with its ground truth)
    and runs once per scenario, with the scenario's name as the test id::

        @scenarios.parametrize(kind="s3-listing")
        def test_cleaner_leaves_the_ground_truth(mpu_mock, mpu_scenario):
            run_cleaner(boto3.client("s3"), mpu_scenario.bucket, days=7)
            left = [u.upload_id for u in mpu_mock.s3.uploads(mpu_scenario.bucket)]
            assert left == [u.upload_id for u in
                            mpu_scenario.remaining_after_cleanup(timedelta(days=7))]

    mockmpu's pytest plugin does the parametrizing (``metafunc.parametrize("mpu_scenario",
    ..., indirect=True)``), so this module never imports pytest.

    Args:
        kind: one of :data:`KINDS`, or ``None`` for all.
        faults: include the scenarios that switch the server away from AWS's behaviour.
        scenarios: parametrize over these instead of the catalog.

    Raises:
        MockmpuError: no scenario matches, or the test is already parametrized this way.
    """
    chosen = tuple(scenarios) if scenarios is not None else catalog(kind, faults=faults)
    if not chosen:
        raise MockmpuError("No scenario matches; check kind= and faults=.")

    def parametrized(test: _Test) -> _Test:
        if PARAMETRIZED in getattr(test, "__dict__", {}):
            raise MockmpuError(
                f"{getattr(test, '__name__', test)!r} already has @scenarios.parametrize; "
                "give it one, with scenarios=[...] to pick several."
            )
        setattr(test, PARAMETRIZED, chosen)
        return test

    return parametrized
