"""Glacier dict-path replies: the dicts botocore's rest-json parser makes of the codec's bytes.

:func:`glacier_reply` and :func:`glacier_error_reply` build, from the JSON document the Glacier
codec would send (built with the codec's own builders), the dict botocore's rest-json parser
would return for those bytes: members in model order, nulls dropped, header members from the
output shape, Glacier's modeled error fields. Used by :mod:`mockmpu.glacier.parsed`; the shared
machinery is in :mod:`mockmpu.core.parsed`.

Sources: ``mockmpu.glacier.codec`` (aws-semantics.md §7); ``botocore.parsers.RestJSONParser``.
Not modelled: see :mod:`mockmpu.core.parsed`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timezone
from email.utils import format_datetime
from typing import Any

from mockmpu.core.errors import ServiceError
from mockmpu.core.parsed import (
    ParsedReply,
    WireFallback,
    error_shape,
    lower_headers,
    parse_header_members,
    retried_by_botocore,
)
from mockmpu.core.state import MpuState

__all__ = ["glacier_error_reply", "glacier_reply", "json_body"]


def json_body(document: Mapping[str, Any]) -> bytes:
    """The body ``mockmpu.glacier.codec`` sends for ``document`` (compact JSON)."""
    return json.dumps(document, separators=(",", ":")).encode("utf-8")


def _json_value(shape: Any, value: Any) -> Any:
    """``value`` (decoded JSON) as botocore's rest-json parser reads it against ``shape``."""
    kind = shape.type_name
    if kind == "structure":
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            raw = value.get(member.serialization.get("name", name))
            if raw is not None:
                out[name] = _json_value(member, raw)
        return out
    if kind == "list":
        return [_json_value(shape.member, item) for item in value]
    if kind == "string" and isinstance(value, str):
        return value
    if kind in ("integer", "long") and isinstance(value, int) and not isinstance(value, bool):
        return value
    raise WireFallback


def _glacier_headers(state: MpuState) -> dict[str, str]:
    return {
        "x-amzn-RequestId": state.ids.glacier_request_id(),
        "Date": format_datetime(state.clock.now().astimezone(timezone.utc), usegmt=True),
    }


def glacier_reply(
    state: MpuState,
    model: Any,
    status: int,
    *,
    document: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> ParsedReply:
    """A Glacier success, as the codec sends it and botocore's rest-json parser reads it.

    ``document``: the JSON body (as the codec builds it, ``None`` values included), or ``None``
    for an empty body with ``headers``. The body's bytes give ``Content-Length`` and the loop
    guard's fingerprint; the parsed members follow the output shape (nulls dropped).
    """
    shape = model.output_shape
    # Read against the model before an id is drawn: a WireFallback here still leaves no trace.
    members = _json_value(shape, document) if shape is not None and document is not None else {}
    body = json_body(document) if document is not None else b""
    wire = _glacier_headers(state)
    if document is not None:
        wire["Content-Type"] = "application/json"
    elif headers:
        wire.update(headers)
    wire["Content-Length"] = str(len(body))
    lower = lower_headers(wire)
    parsed: dict[str, Any] = {
        "ResponseMetadata": {
            "RequestId": wire["x-amzn-RequestId"],
            "HTTPStatusCode": status,
            "HTTPHeaders": lower,
            "RetryAttempts": 0,
        }
    }
    if shape is not None:
        parse_header_members(shape, lower, parsed, xml=False, status=status)
        parsed.update(members)
    return ParsedReply(status, wire, parsed, None, body)


def glacier_error_reply(state: MpuState, model: Any, error: ServiceError) -> ParsedReply:
    """A Glacier error, as the codec renders it and botocore's rest-json parser reads it.

    ``Error`` holds ``Message`` then ``Code`` (from ``x-amzn-ErrorType``); a modeled error shape
    adds its members (``type``, ``code``, ``message``) from the body, as botocore's endpoint does.
    """
    code = error.code.split(":", 1)[0].rsplit("#", 1)[-1]
    if retried_by_botocore("glacier", model, code, error.status):
        raise WireFallback
    document = {"code": error.code, "message": error.message, "type": error.sender}
    modeled: dict[str, Any] = {}
    shape = error_shape(model, code)
    if shape is not None:
        if any(m.serialization.get("location") for m in shape.members.values()):
            raise WireFallback
        modeled = _json_value(shape, document)
    body = json_body(document)
    wire = _glacier_headers(state)
    wire["Content-Type"] = "application/json"
    wire["Content-Length"] = str(len(body))
    wire["x-amzn-ErrorType"] = error.code
    parsed: dict[str, Any] = {
        "Error": {"Message": error.message, "Code": code},
        "ResponseMetadata": {
            "RequestId": wire["x-amzn-RequestId"],
            "HTTPStatusCode": error.status,
            "HTTPHeaders": lower_headers(wire),
            "RetryAttempts": 0,
        },
    }
    parsed.update(modeled)
    return ParsedReply(error.status, wire, parsed, error)
