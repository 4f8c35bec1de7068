"""S3 REST-XML rendering: documents, cached list fragments, responses and ``<Error>``.

XML bodies start with ``<?xml version="1.0" encoding="UTF-8"?>`` (nothing before it, or
botocore's 200-error check treats the body as broken) and are ``application/xml``; every response
carries ``x-amz-request-id`` and ``x-amz-id-2`` from ``state.ids``. Used by :mod:`mockmpu.s3.codec`.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, Callable

import xmltodict

from mockmpu.core.errors import ServiceError
from mockmpu.core.state import MpuState, Part, Upload, http_date
from mockmpu.core.wire import Handler, WireRequest, WireResponse
from mockmpu.s3.rules import Principal

NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"
_XML = "application/xml"
SSE = {"x-amz-server-side-encryption": "AES256"}


def timestamp(value: datetime) -> str:
    """Render a time as S3 lists it: ``2010-11-10T20:48:33.000Z`` (milliseconds always 000)."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def xml_bool(value: bool) -> str:
    """Render a boolean as S3 does: ``true`` / ``false``."""
    return "true" if value else "false"


class _NotPlain(Exception):
    """A document :func:`_plain` does not render (attributes, text keys, other value types)."""


def _escape(text: str) -> str:
    # xml.sax.saxutils.escape, which xmltodict's XMLGenerator applies to text
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def _plain(name: str, value: Any, out: list[str]) -> None:
    """Append ``<name>value</name>`` as ``xmltodict.unparse`` writes it (no pretty printing).

    Values: ``str``, ``int``, ``bool`` (``true``/``false``), ``None`` (an empty element), a dict
    of children (an empty list among them is skipped), a list (one element per item).
    """
    kind = type(value)
    if kind is str:  # the usual leaf, first (exact types only: subclasses take the long way)
        text = value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
        out.append(f"<{name}>{text}</{name}>")
    elif kind is dict:
        out.append(f"<{name}>")
        _children(value, out)
        out.append(f"</{name}>")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, list):
                raise _NotPlain
            _plain(name, item, out)
    elif value is None:
        out.append(f"<{name}></{name}>")
    elif isinstance(value, dict):
        out.append(f"<{name}>")
        _children(value, out)
        out.append(f"</{name}>")
    elif isinstance(value, str):
        out.append(f"<{name}>{_escape(value)}</{name}>")
    elif isinstance(value, bool):
        out.append(f"<{name}>{'true' if value else 'false'}</{name}>")
    elif isinstance(value, int):
        out.append(f"<{name}>{value}</{name}>")
    else:
        raise _NotPlain


def _children(body: Mapping[str, Any], out: list[str]) -> None:
    """Append each child of ``body`` (see :func:`_plain`); raise :class:`_NotPlain` for a key
    xmltodict reads as an attribute or text (``@``, ``#``) or that is not a ``str``."""
    for key, child in body.items():
        if type(key) is not str or key[:1] in ("@", "#"):
            raise _NotPlain
        if type(child) is str:  # inlined _plain: most children are text
            text = child.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            out.append(f"<{key}>{text}</{key}>")
        elif isinstance(child, list) and not child:
            continue
        else:
            _plain(key, child, out)


def _unparse(root: str, body: Mapping[str, Any], namespace: bool) -> str:
    """``xmltodict.unparse({root: {"@xmlns": NAMESPACE, **body}}, encoding="UTF-8")``.

    Written directly for the plain documents every S3 answer is (about ten times faster for a
    small page; ``tests/test_render.py`` compares the two), through xmltodict for anything else.
    """
    out = [
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{NAMESPACE}">'
        if namespace
        else f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>'
    ]
    try:
        _children(body, out)
    except _NotPlain:
        content = {"@xmlns": NAMESPACE, **body} if namespace else dict(body)
        text: str = xmltodict.unparse({root: content}, encoding="UTF-8")
        return text
    out.append(f"</{root}>")
    return "".join(out)


def document(
    root: str, body: Mapping[str, Any], *, namespace: bool = True, tail: bytes = b""
) -> bytes:
    """Render ``<root>`` as xmltodict does; ``tail`` (rendered children) goes before its end tag."""
    text = _unparse(root, body, namespace)
    # A carriage return in a key must survive XML end-of-line normalisation, so it goes out as a
    # character reference, as S3 sends it; xmltodict leaves it raw (only text can contain one).
    doc = text.encode("utf-8").replace(b"\r", b"&#13;")
    if tail:
        if doc.endswith(b"/>"):  # no children rendered: xmltodict closed it short
            doc = doc[:-2] + b">" + tail + f"</{root}>".encode()
        else:
            end = f"</{root}>".encode()
            doc = doc[: -len(end)] + tail + end
    return doc


def fragment(name: str, fields: Mapping[str, Any]) -> bytes:
    """Render one child element exactly as :func:`document` would render it inside a list."""
    text: str = xmltodict.unparse({name: fields}, full_document=False)
    return text.encode("utf-8").replace(b"\r", b"&#13;")


class FragmentCache:
    """Rendered ``<Upload>`` and ``<Part>`` elements, per state (caching immutable data).

    A listed upload's element depends only on fields fixed at creation (key, id, storage class,
    initiation time, checksum settings) plus the state's owner and the encoding; a part's on the
    ``Part`` object, which an overwrite replaces. Entries hold the object they were rendered
    from and are used only while it is still the same object, so they are never stale.
    """

    def __init__(self) -> None:
        self.uploads: dict[tuple[str, bool], tuple[Upload, bytes]] = {}
        self.parts: dict[tuple[str, int], tuple[Part, bytes]] = {}


_CACHES: weakref.WeakKeyDictionary[MpuState, FragmentCache] = weakref.WeakKeyDictionary()


def fragment_cache(state: MpuState) -> FragmentCache:
    cache = _CACHES.get(state)
    if cache is None:
        cache = _CACHES.setdefault(state, FragmentCache())
    return cache


def respond(
    state: MpuState,
    status: int,
    *,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    xml: bool = False,
    request_id: str | None = None,
    host_id: str | None = None,
) -> WireResponse:
    """An S3 response: ``x-amz-id-2``, ``x-amz-request-id``, ``Date``, ``headers``, then
    ``Content-Type: application/xml`` when ``xml`` and ``Server: AmazonS3`` last."""
    out = {
        "x-amz-id-2": host_id or state.ids.host_id(),
        "x-amz-request-id": request_id or state.ids.request_id(),
        "Date": http_date(state.clock.now()),
    }
    out.update(headers or {})
    if xml:
        out["Content-Type"] = _XML
    out["Server"] = "AmazonS3"
    return WireResponse(status=status, headers=out, body=body)


def render_error(state: MpuState, error: ServiceError, *, head: bool = False) -> WireResponse:
    """Render an S3 ``<Error>``: no namespace; Code, Message, extras, RequestId, HostId.

    A HEAD request gets the status and headers only: HEAD responses have no body, which botocore
    reports as ``{'Code': '404', 'Message': 'Not Found'}``. Status 200 is the mid-stream failure
    of CompleteMultipartUpload (API reference): whitespace follows the XML declaration, as S3's
    keep-alive whitespace does; botocore rewrites such a 200 to 500 and retries.
    """
    request_id = state.ids.request_id()
    host_id = state.ids.host_id()
    body = b""
    if not head:
        fields: dict[str, str] = {"Code": error.code, "Message": error.message}
        fields.update(error.extra)
        fields["RequestId"] = request_id
        fields["HostId"] = host_id
        body = document("Error", fields, namespace=False)
        if error.status == 200:
            body = body.replace(b"?>\n", b"?>\n\n", 1)
    reply = respond(
        state, error.status, body=body, xml=True, request_id=request_id, host_id=host_id
    )
    reply.error = error
    return reply


def serving(fn: Callable[[MpuState, WireRequest], WireResponse]) -> Handler:
    """Wrap a handler so a ServiceError it raises is answered as the rendered ``<Error>``."""

    def handler(state: MpuState, req: WireRequest) -> WireResponse:
        try:
            return fn(state, req)
        except ServiceError as error:
            return render_error(state, error, head=req.method.upper() == "HEAD")

    handler.__name__ = fn.__name__
    handler.__doc__ = fn.__doc__
    return handler


_PRINCIPALS: dict[Principal, Mapping[str, Any]] = {}


def principals(owner: Principal) -> Mapping[str, Any]:
    """The ``Initiator`` and ``Owner`` elements of a listed upload (shared: do not modify)."""
    fields = _PRINCIPALS.get(owner)
    if fields is None:
        if len(_PRINCIPALS) >= 256:
            _PRINCIPALS.clear()
        fields = _PRINCIPALS[owner] = {
            "Initiator": {"ID": owner.id, "DisplayName": owner.display_name},
            "Owner": {"ID": owner.id},
        }
    return fields
