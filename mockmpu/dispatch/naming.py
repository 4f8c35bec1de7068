"""Name any S3 or Glacier request from botocore's service model, and recover its API parameters.

The served operations are routed by hand (``s3/routes.py``, ``glacier/routes.py``): that is the
hot path. This module runs only for what mockmpu does not serve (to say which operation was
refused) and for transports that bring no API parameters of their own (to record them in
``mpu.calls``). It matches the request against each operation's ``http.method`` and
``http.requestUri`` template in botocore's model, preferring the template with the most literal
query flags and required headers present, as the service's own router would.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["api_params", "name_operation"]


@functools.cache
def _model(service: str) -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


class _Template:
    def __init__(self, name: str, method: str, request_uri: str, required_headers: list[str]):
        path, _, query = request_uri.partition("?")
        self.name = name
        self.method = method
        self.flags = {q.split("=", 1)[0] for q in query.split("&") if q} - {"x-id"}
        self.required_headers = required_headers
        pattern = ""
        for piece in re.split(r"(\{[^}]+\})", path):
            if piece.startswith("{"):
                greedy = piece.endswith("+}")
                label = piece.strip("{}+")
                pattern += f"(?P<{label}>.+)" if greedy else f"(?P<{label}>[^/]+)"
            else:
                pattern += re.escape(piece)
        self.path = re.compile(pattern.rstrip("/") + "/?$" if pattern != "/" else "/$")


@functools.cache
def _templates(service: str) -> tuple[_Template, ...]:
    model = _model(service)
    out = []
    for name in model.operation_names:
        op = model.operation_model(name)
        http = op.http
        shape = op.input_shape
        headers: list[str] = []
        query: list[str] = []
        if shape is not None:
            for member in shape.required_members:
                member_shape = shape.members[member]
                where = member_shape.serialization.get("location")
                wire_name = member_shape.serialization.get("name", member)
                if where == "header":
                    headers.append(wire_name.lower())
                elif where == "querystring":
                    query.append(wire_name)
        template = _Template(name, http["method"], http["requestUri"], headers)
        template.flags |= set(query)
        out.append(template)
    return tuple(out)


def name_operation(
    service: str, method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str]
) -> str:
    """Return the operation botocore's model says ``method path?query`` is, or ``"Unknown"``.

    ``path`` is the raw path, with the bucket in front for S3 (path style).
    """
    best: tuple[int, str] | None = None
    for template in _templates(service):
        if template.method != method or not template.path.match(path):
            continue
        if not template.flags <= set(query):
            continue
        if not all(h in headers for h in template.required_headers):
            continue
        score = 2 * len(template.flags) + len(template.required_headers)
        if best is None or score > best[0]:
            best = (score, template.name)
    return best[1] if best is not None else "Unknown"


@functools.lru_cache(maxsize=256)
def _locations(service: str, operation: str) -> tuple[dict[str, str], dict[str, str]]:
    """(query name -> member, lower-case header name -> member) for the operation's input."""
    query: dict[str, str] = {}
    headers: dict[str, str] = {}
    try:
        shape = _model(service).operation_model(operation).input_shape
    except Exception:  # an operation the model does not know: no parameters to recover
        return query, headers
    if shape is not None:
        for member, member_shape in shape.members.items():
            where = member_shape.serialization.get("location")
            wire_name = member_shape.serialization.get("name", member)
            if where == "querystring":
                query[wire_name] = member
            elif where == "header":
                headers[wire_name.lower()] = member
    return query, headers


def api_params(
    service: str,
    operation: str,
    labels: Mapping[str, str],
    query: Mapping[str, str],
    headers: Mapping[str, str],
) -> dict[str, Any]:
    """The API parameters a request carries, named as in botocore (for ``mpu.calls``).

    URI labels, then query and header members; values are the strings sent.
    """
    by_query, by_header = _locations(service, operation)
    params: dict[str, Any] = dict(labels)
    for name, value in query.items():
        if name in by_query:
            params[by_query[name]] = value
    for name, value in headers.items():
        if name in by_header:
            params[by_header[name]] = value
    return params
