"""Reference Glacier clients: ListMultipartUploads and ListParts ``Marker`` loops. Each takes a
botocore Glacier client and a loaded scenario and returns the upload ids or part ranges it saw."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

from mockmpu.scenarios.base import Scenario
from mockmpu.scenarios.clients.loops import MAX_REQUESTS, Looped, bounded

__all__ = [
    "glacier_cmd_resume",
    "glacier_marker_key",
    "glacier_paginator",
    "glacier_parts_first_page",
    "glacier_parts_paginator",
    "glacier_parts_robust",
    "glacier_parts_without_upload_id",
    "glacier_robust",
    "glacier_upload_ids",
]


# ------------------------------------------------------------------------------------ Glacier


def glacier_upload_ids(page: Mapping[str, Any]) -> list[str]:
    return [u["MultipartUploadId"] for u in page.get("UploadsList", [])]


def _ranges(page: Mapping[str, Any]) -> list[str]:
    return [p["RangeInBytes"] for p in page.get("Parts", [])]


def _glacier_loop(
    call: Callable[..., Mapping[str, Any]],
    items: Callable[[Mapping[str, Any]], list[Any]],
    next_marker: Callable[[Mapping[str, Any]], Any],
) -> list[Any]:
    seen: list[Any] = []
    page = call()
    seen += items(page)
    for _ in range(MAX_REQUESTS):
        marker = next_marker(page)
        if marker in (None, ""):
            return seen
        page = call(marker=marker)
        seen += items(page)
    raise Looped(f"stopped after {MAX_REQUESTS} requests")


def _robust_marker(page: Mapping[str, Any]) -> str | None:
    marker = page.get("Marker")
    return None if marker in (None, "", "null", "None") else str(marker)


def glacier_marker_key(client: Any, sc: Scenario) -> list[str]:
    """BUG-12d: ``marker = response["Marker"]`` (correct on boto2, KeyError under boto3)."""
    return _glacier_loop(
        lambda **kw: client.list_multipart_uploads(vaultName=sc.vault, **kw),
        glacier_upload_ids,
        lambda page: page["Marker"],
    )


def glacier_paginator(client: Any, sc: Scenario) -> list[str]:
    """Correct on AWS: botocore's paginator (``Vault.multipart_uploads.all()`` does the same)."""
    pages = client.get_paginator("list_multipart_uploads").paginate(vaultName=sc.vault)
    return [i for page in bounded(pages) for i in glacier_upload_ids(page)]


def glacier_robust(client: Any, sc: Scenario) -> list[str]:
    """Robust to BUG-12e: ``None``, ``""``, ``"null"`` and ``"None"`` all end the listing."""
    return _glacier_loop(
        lambda **kw: client.list_multipart_uploads(vaultName=sc.vault, **kw),
        glacier_upload_ids,
        _robust_marker,
    )


def _glacier_parts(client: Any, sc: Scenario, **kwargs: Any) -> Mapping[str, Any]:
    return client.list_parts(  # type: ignore[no-any-return]
        vaultName=sc.vault, uploadId=sc.upload.upload_id, **kwargs
    )


def glacier_parts_first_page(client: Any, sc: Scenario) -> list[str]:
    """BUG-12a: the first page only (boto2 Layer1 never sent ``marker``)."""
    return _ranges(_glacier_parts(client, sc))


def glacier_parts_without_upload_id(client: Any, sc: Scenario) -> list[str]:
    """BUG-12c: glacier-upload 1.x follows ``Marker`` but drops ``uploadId`` on page 2."""
    page = _glacier_parts(client, sc)
    seen = _ranges(page)
    for _ in range(MAX_REQUESTS):
        if "Marker" not in page:
            return seen
        page = client.list_parts(vaultName=sc.vault, marker=page["Marker"])
        seen += _ranges(page)
    raise Looped(f"stopped after {MAX_REQUESTS} requests")


def glacier_cmd_resume(client: Any, sc: Scenario) -> list[str]:
    """BUG-12b: amazon-glacier-cmd-interface's resume used ``stop`` set only inside the loop."""
    seen: list[str] = []
    marker = None
    for _ in range(MAX_REQUESTS):
        page = _glacier_parts(client, sc, **({"marker": marker} if marker else {}))
        for part in page["Parts"]:
            seen.append(part["RangeInBytes"])
            stop = int(part["RangeInBytes"].split("-")[1])
        marker = page.get("Marker")
        if not marker:
            break
    resume_from = stop + 1  # UnboundLocalError when the upload has no parts
    return [r for r in seen if int(r.split("-")[0]) < resume_from]


def glacier_parts_paginator(client: Any, sc: Scenario) -> list[str]:
    """Correct on AWS: botocore's ListParts paginator."""
    pages = client.get_paginator("list_parts").paginate(
        vaultName=sc.vault, uploadId=sc.upload.upload_id
    )
    return [r for page in bounded(pages) for r in _ranges(page)]


def glacier_parts_robust(client: Any, sc: Scenario) -> list[str]:
    """Robust to BUG-12e for ListParts: string end markers end the listing."""
    return _glacier_loop(lambda **kw: _glacier_parts(client, sc, **kw), _ranges, _robust_marker)
