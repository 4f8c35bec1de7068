"""Decimal integers read from requests, safe at any length.

CPython refuses ``int()`` on text of more than 4,300 digits (``ValueError``, the integer-string
conversion limit, CVE-2020-10735). Every limit AWS applies to these fields fits in far fewer
digits, so a number whose magnitude has more than :data:`MAX_SIGNIFICANT_DIGITS` significant
digits is read as :data:`HUGE` (with its sign): out of every range, so the caller answers with
the validation error it gives any other out-of-range value.
"""

from __future__ import annotations

__all__ = ["HUGE", "MAX_SIGNIFICANT_DIGITS", "decimal", "shown"]

#: More significant digits than any field mockmpu reads can hold (S3's int64 sizes have 19).
MAX_SIGNIFICANT_DIGITS = 40
#: What a longer number reads as: odd (so never a multiple of a part size) and beyond any limit.
HUGE: int = 10**MAX_SIGNIFICANT_DIGITS + 1


def decimal(text: str) -> int:
    """``int(text)`` for text already matched as ``[+-]?[0-9]+``, of any length.

    Numbers with more than :data:`MAX_SIGNIFICANT_DIGITS` significant digits give ``±HUGE``.
    """
    sign = -1 if text[:1] == "-" else 1
    digits = text.lstrip("+-").lstrip("0")
    if len(digits) > MAX_SIGNIFICANT_DIGITS:
        return sign * HUGE
    return sign * int(digits or "0")


def shown(number: int, text: str) -> str:
    """How AWS echoes a number read from ``text``: ``str(number)``, or the digits when huge."""
    if abs(number) < HUGE:
        return str(number)
    return ("-" if number < 0 else "") + text.lstrip("+-").lstrip("0")
