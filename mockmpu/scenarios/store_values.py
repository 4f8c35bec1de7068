"""Scenario-file values: readers that check one JSON value and say where it is wrong.

Each reader takes the value and its JSON path (``buckets[0].uploads[1].parts[0].size``) and
returns the Python value, or raises :class:`Invalid` with the path, what was expected, and the
value found. Beyond JSON types they check what the semantics accept (ranges, digests, base64),
so that a file that loads can be served without a traceback.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime, timezone
from typing import Any, Callable

__all__ = [
    "CHECKSUM_LENGTHS",
    "Invalid",
    "as_b64",
    "as_bool",
    "as_checksums",
    "as_hex",
    "as_int",
    "as_list",
    "as_md5",
    "as_object",
    "as_object_checksum",
    "as_power_of_two",
    "as_str",
    "as_str_map",
    "as_str_set",
    "as_time",
    "as_tree_hash",
    "checksum_of",
    "deepest_path",
    "format_time",
    "int_in",
    "non_empty",
    "one_of",
]


class Invalid(Exception):
    """A value in the file is not what the format says; carries the JSON path and expectation."""

    def __init__(self, path: str, expected: str, value: Any) -> None:
        super().__init__(path, expected, value)
        self.path = path
        self.expected = expected
        self.value = value


def format_time(value: datetime) -> str:
    """Render a timezone-aware datetime as ISO 8601 UTC with microseconds (``...123456Z``)."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")


def as_time(value: Any, path: str) -> datetime:
    if not (isinstance(value, str) and _TIME_RE.fullmatch(value)):
        raise Invalid(path, "an ISO 8601 UTC time like '2024-05-01T12:30:15.123456Z'", value)
    try:
        return datetime.fromisoformat(value[:-1] + "+00:00")
    except ValueError:
        raise Invalid(path, "a valid date and time", value) from None


def as_str(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise Invalid(path, "a string", value)
    return value


def as_int(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(path, "an integer", value)
    return value


def as_bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid(path, "true or false", value)
    return value


def as_hex(value: Any, path: str) -> bytes:
    try:
        return bytes.fromhex(as_str(value, path))
    except ValueError:
        raise Invalid(path, "hex digits", value) from None


def as_b64(value: Any, path: str) -> bytes:
    try:
        return base64.b64decode(as_str(value, path), validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(path, "base64", value) from None


def as_str_map(value: Any, path: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise Invalid(path, "an object of strings", value)
    return {k: as_str(v, f"{path}.{k}") for k, v in value.items()}


def as_str_set(value: Any, path: str) -> set[str]:
    if not isinstance(value, list):
        raise Invalid(path, "a list of strings", value)
    return {as_str(v, f"{path}[{i}]") for i, v in enumerate(value)}


def as_list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise Invalid(path, "a list", value)
    return value


def as_object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Invalid(path, "an object", value)
    return value


# ------------------------------------------------------------------ values the semantics accept


def int_in(low: int, high: int | None = None) -> Callable[[Any, str], int]:
    """A reader of integers from ``low`` to ``high`` (inclusive; ``None``: no upper bound)."""
    expected = f"an integer >= {low}" if high is None else f"an integer from {low} to {high}"

    def read(value: Any, path: str) -> int:
        number = as_int(value, path)
        if number < low or (high is not None and number > high):
            raise Invalid(path, expected, value)
        return number

    return read


def non_empty(value: Any, path: str) -> str:
    """A non-empty string (keys, names and ids address records: S3 and Glacier need them)."""
    if not as_str(value, path):
        raise Invalid(path, "a non-empty string", value)
    return str(value)


def one_of(*choices: str) -> Callable[[Any, str], str]:
    """A reader of one of ``choices``."""
    expected = "one of " + ", ".join(repr(c) for c in choices)

    def read(value: Any, path: str) -> str:
        if as_str(value, path) not in choices:
            raise Invalid(path, expected, value)
        return str(value)

    return read


def as_md5(value: Any, path: str) -> bytes:
    digest = as_hex(value, path)
    if len(digest) != 16:
        raise Invalid(path, "an MD5 digest (32 hex digits)", value)
    return digest


_TREE_HASH_RE = re.compile(r"[0-9a-f]{64}")


def as_tree_hash(value: Any, path: str) -> str:
    if not _TREE_HASH_RE.fullmatch(as_str(value, path)):
        raise Invalid(path, "a SHA-256 tree hash (64 lower-case hex digits)", value)
    return str(value)


#: S3's checksum algorithms and the length of their digests, in bytes.
CHECKSUM_LENGTHS = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8, "SHA1": 20, "SHA256": 32}


def checksum_of(algorithm: str) -> Callable[[Any, str], str]:
    """A reader of one ``algorithm`` checksum: base64 of its digest's length."""
    length = CHECKSUM_LENGTHS[algorithm]

    def read(value: Any, path: str) -> str:
        if len(as_b64(value, path)) != length:
            raise Invalid(path, f"base64 of {length} bytes", value)
        return str(value)

    return read


def as_checksums(value: Any, path: str) -> dict[str, str]:
    """``{"CRC32": "<base64 of 4 bytes>", ...}``."""
    checksums = as_str_map(value, path)
    for algorithm, text in checksums.items():
        where = f"{path}.{algorithm}"
        if algorithm not in CHECKSUM_LENGTHS:
            raise Invalid(where, "keyed by " + ", ".join(CHECKSUM_LENGTHS), text)
        checksum_of(algorithm)(text, where)
    return checksums


_OBJECT_CHECKSUM_RE = re.compile(r"[A-Za-z0-9+/]+={0,2}(-[1-9][0-9]{0,4})?")


def as_object_checksum(value: Any, path: str) -> str:
    """An object checksum: base64, with ``-<part count>`` when COMPOSITE."""
    if not _OBJECT_CHECKSUM_RE.fullmatch(as_str(value, path)):
        raise Invalid(path, "base64, optionally followed by -<part count>", value)
    as_b64(str(value).partition("-")[0], path)
    return str(value)


def as_power_of_two(low: int, high: int) -> Callable[[Any, str], int]:
    """A reader of powers of two from ``low`` to ``high`` (Glacier part sizes)."""

    def read(value: Any, path: str) -> int:
        size = as_int(value, path)
        if not (low <= size <= high and size & (size - 1) == 0):
            raise Invalid(path, f"a power of two from {low} to {high}", value)
        return size

    return read


def deepest_path(text: str, limit: int) -> str | None:
    """The JSON path at which ``text`` nests deeper than ``limit``, or ``None``.

    A scan of brackets outside strings, without recursion: ``json.loads`` raises
    ``RecursionError`` on deep enough nesting, and a scenario file nests 8 levels at most.
    """
    path: list[str] = []  # one entry per open container: "[i]" or ".key" (or "" before a key)
    i, n = 0, len(text)
    key_start = -1
    while i < n:
        c = text[i]
        if c == '"':
            end = i + 1
            while end < n and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            if path and path[-1] == "" and key_start < 0:
                key_start = i
                path[-1] = "." + text[i + 1 : end]
            i = end + 1
            continue
        if c in "[{":
            if len(path) >= limit:
                return "".join(path).lstrip(".") or "(the top level)"
            path.append("[0]" if c == "[" else "")
            key_start = -1
        elif c in "]}" and path:
            path.pop()
        elif c == "," and path:
            last = path[-1]
            path[-1] = f"[{int(last[1:-1]) + 1}]" if last.startswith("[") else ""
            key_start = -1
        i += 1
    return None
