"""Argument checks and defaults shared by the scenario builders."""

from __future__ import annotations

from datetime import timedelta

from mockmpu.core.errors import MockmpuError

__all__ = ["DAYS30", "MAX_PARTS", "check"]

#: The default age of a scenario's uploads.
DAYS30 = timedelta(days=30)
#: S3's largest part number.
MAX_PARTS = 10_000


def check(name: str, value: int, low: int, high: int | None = None) -> None:
    """Raise ``MockmpuError`` unless ``value`` is a whole number in ``[low, high]``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise MockmpuError(f"{name} must be a whole number {bound}, not {value!r}.")
