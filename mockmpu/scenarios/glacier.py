"""Scenario builders for Glacier ListMultipartUploads and ListParts ``Marker`` handling.

Re-exported by :mod:`mockmpu.scenarios`; see :mod:`mockmpu.scenarios.named` for the conventions.
"""

from __future__ import annotations

import functools

from mockmpu.core.errors import MockmpuError
from mockmpu.core.state import Clock, ClockSource
from mockmpu.scenarios import build
from mockmpu.scenarios.base import Scenario
from mockmpu.scenarios.checks import MAX_PARTS, check

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
    check("n", n, 0)
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
    check("parts", parts, 0, MAX_PARTS)
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
    check("parts", parts, 0, MAX_PARTS)
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
