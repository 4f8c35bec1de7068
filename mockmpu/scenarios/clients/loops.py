"""What the reference clients share: request bounds, the cleaners' threshold, ``Looped``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

__all__ = ["MAX_REQUESTS", "OLDER_THAN", "S3_MAX_REQUESTS", "Looped", "bounded"]

#: Requests after which a bounded loop gives up. Every catalog scenario (default arguments)
#: needs fewer: 880 Glacier parts take 18 pages, S3 listings at most 3 (S3 pages are costly to
#: parse, so S3 loops stop sooner). Scaled-up scenarios may need higher bounds.
MAX_REQUESTS = 30
S3_MAX_REQUESTS = 5
#: The threshold the cleaners use.
OLDER_THAN = timedelta(days=7)


class Looped(Exception):
    """A client loop made :data:`MAX_REQUESTS` requests without reaching the end."""


def bounded(pages: Iterable[Any], limit: int = MAX_REQUESTS) -> Iterator[Any]:
    """The pages, raising :class:`Looped` at the request after ``limit``."""
    for n, page in enumerate(pages, 1):
        if n > limit:
            raise Looped(f"stopped after {limit} requests")
        yield page
