"""Reading what the AWS CLI printed: JSON loading, field checks and time parsing.

Shared by the S3 and Glacier imports (``mockmpu.s3.aws_cli``, ``mockmpu.glacier.aws_cli``, behind
``mpu.s3.import_aws_cli`` / ``mpu.glacier.import_aws_cli``). A value that is not what the command
prints raises :class:`BadOutput`, which :func:`run_step` turns into one ``MockmpuError`` sentence;
a ``ServiceError`` raised by the semantics while importing becomes one too. Timestamps are read as
the CLI prints them: v1 keeps the wire text (``2015-06-02T18:01:30.000Z``), v2 prints ISO 8601
(``2015-06-02T18:01:30+00:00``).

Not modelled: keys printed with ``--encoding-type url`` by paginated output, which does not say
so.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, Callable, TypeVar, Union

from mockmpu.core.errors import MockmpuError, ServiceError

__all__ = [
    "BadOutput",
    "CliSource",
    "check_keys",
    "field",
    "items",
    "load",
    "optional",
    "parse_cli_time",
    "parts_upload_id",
    "read_source",
    "run_step",
    "time_field",
]

#: JSON text, a path to a file holding it, or the parsed dict (e.g. a boto3 response).
CliSource = Union[str, "os.PathLike[str]", Mapping[str, Any]]

_T = TypeVar("_T")

_TIME_RE = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})"
)


def read_source(path: str | os.PathLike[str], what: str) -> str:
    """Read a UTF-8 text file, turning OS errors into one-sentence ``MockmpuError``s."""
    try:
        with open(os.fspath(path), encoding="utf-8") as fh:
            return fh.read()
    except OSError as error:
        raise MockmpuError(
            f"Cannot read {what} {os.fspath(path)!r} ({error.strerror}); pass the path of an "
            "existing file."
        ) from error
    except UnicodeDecodeError as error:
        raise MockmpuError(
            f"{what.capitalize()} {os.fspath(path)!r} is not UTF-8 text ({error.reason}); pass "
            "the JSON file itself."
        ) from error


class BadOutput(Exception):
    """A value of the CLI output is not what the command prints (the message says which)."""


def load(source: CliSource) -> tuple[dict[str, Any], str]:
    """Return the parsed JSON object of ``source`` and a name for it in messages.

    Raises ``MockmpuError`` for a file that cannot be read, text that is not JSON, or JSON that
    is not an object.
    """
    if isinstance(source, Mapping):
        return dict(source), "The AWS CLI output"
    if isinstance(source, str) and source.lstrip()[:1] in ("{", "["):
        text, name = source, "The AWS CLI output"
    elif isinstance(source, (str, os.PathLike)):
        text = read_source(source, "AWS CLI output file")
        name = f"AWS CLI output file {os.fspath(source)!r}"
    else:
        raise MockmpuError(
            "import_aws_cli takes the JSON text the AWS CLI printed, the path of a file holding "
            f"it, or the parsed dict, not {type(source).__name__}."
        )
    try:
        doc = json.loads(text)
    except ValueError as error:
        raise MockmpuError(
            f"{name} is not JSON ({error}); pass what the AWS CLI printed with --output json."
        ) from None
    if not isinstance(doc, dict):
        raise MockmpuError(
            f"{name} is a JSON {type(doc).__name__}, not the object the AWS CLI prints; pass "
            "its whole output, without --query."
        )
    return doc, name


def parse_cli_time(value: Any) -> datetime:
    """Parse a timestamp as the AWS CLI (v1 or v2) or boto3 gives it; return it in UTC.

    Accepts ISO 8601 text with a ``Z`` or numeric offset (``2015-06-02T18:01:30.000Z``,
    ``2015-06-02T18:01:30+00:00``, ``2015-06-02 18:01:30+00:00``), epoch seconds, or a
    timezone-aware ``datetime``. Text without a timezone is refused: it would be read in some
    local zone and shift every upload.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise BadOutput(f"{value!r} has no timezone")
        return value.astimezone(timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, timezone.utc)
    match = _TIME_RE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise BadOutput(f"{value!r} is not an ISO 8601 time with a timezone")
    date, time, fraction, zone = match.groups()
    micros = (fraction or "").ljust(6, "0")[:6]
    offset = "+00:00" if zone == "Z" else (zone if ":" in zone else f"{zone[:3]}:{zone[3:]}")
    try:
        parsed = datetime.fromisoformat(f"{date}T{time}.{micros}{offset}")
    except ValueError as error:
        raise BadOutput(f"{value!r} is not a valid time ({error})") from None
    return parsed.astimezone(timezone.utc)


def check_keys(
    obj: Any, allowed: set[str], where: str, *, checksums: bool = False
) -> dict[str, Any]:
    """Refuse keys the command does not print (``checksums``: also allow ``Checksum<ALG>``)."""
    if not isinstance(obj, dict):
        raise BadOutput(f"{where} is not a JSON object")
    for key in obj:
        if key not in allowed and not (checksums and key.startswith("Checksum")):
            raise BadOutput(f"{where} has the key {key!r}, which this command does not print")
    return obj


def field(obj: Mapping[str, Any], key: str, kind: type[_T], where: str) -> _T:
    value = obj.get(key)
    if value is None:
        raise BadOutput(f"{where} has no {key}")
    if not isinstance(value, kind) or isinstance(value, bool):
        raise BadOutput(f"{where}.{key} is {value!r}, not a {kind.__name__}")
    return value


def optional(obj: Mapping[str, Any], key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise BadOutput(f"{where}.{key} is {value!r}, not a string")
    return value


def time_field(obj: Mapping[str, Any], key: str, where: str) -> datetime:
    if obj.get(key) is None:
        raise BadOutput(f"{where} has no {key}")
    try:
        return parse_cli_time(obj[key])
    except BadOutput as bad:
        raise BadOutput(f"{where}.{key}: {bad}") from None


def items(doc: Mapping[str, Any], key: str) -> list[Any]:
    value = doc.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadOutput(f"{key} is not a list")
    return value


def run_step(name: str, command: str, action: Callable[[], _T]) -> _T:
    """Run an import step, turning format and service errors into one-sentence MockmpuErrors."""
    try:
        return action()
    except BadOutput as bad:
        raise MockmpuError(
            f"{name} is not what `aws {command}` prints: {bad}; pass that command's JSON output "
            "unchanged."
        ) from None
    except ServiceError as error:
        raise MockmpuError(
            f"{name} cannot be imported: AWS would refuse it with {error.code} ({error.status}) "
            f"{error.message!r}; check the listing."
        ) from error


def parts_upload_id(doc: Mapping[str, Any], field: str, upload_id: str | None) -> str:
    """The upload a list-parts output belongs to: ``upload_id=``, checked against ``field``."""
    listed_id = optional(doc, field, "the output")
    if upload_id is None:
        if listed_id is None:
            raise MockmpuError(
                "This list-parts output does not name its upload (the CLI's paginated output "
                f"leaves {field} out); pass upload_id= with the id given to --upload-id."
            )
        return listed_id
    if listed_id is not None and listed_id != upload_id:
        raise BadOutput(f"{field} is {listed_id!r}, not the upload_id= {upload_id!r}")
    return upload_id
