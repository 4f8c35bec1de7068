"""Scenario builders for S3 ListParts, and the empty upload of either service.

Re-exported by :mod:`mockmpu.scenarios`; see :mod:`mockmpu.scenarios.named` for the conventions.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from mockmpu.core.errors import MockmpuError
from mockmpu.core.state import Clock, ClockSource
from mockmpu.scenarios import build
from mockmpu.scenarios.base import Scenario
from mockmpu.scenarios.checks import MAX_PARTS, check

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
    check("n", n, 0, MAX_PARTS)
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
        check("every part number", number, 1, MAX_PARTS)
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
    check("n", n, 0, MAX_PARTS)
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
