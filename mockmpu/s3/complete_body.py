"""A fast reader for the CompleteMultipartUpload body botocore sends (issue 13).

``xmltodict`` takes about 2.6 ms for 100 parts; this reads the same document with one compiled
pattern per element, about ten times faster. It accepts only the plain shape botocore's
serializer writes::

    <CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
      <Part><ETag>"..."</ETag><PartNumber>1</PartNumber><ChecksumCRC32>...</ChecksumCRC32></Part>
      ...
    </CompleteMultipartUpload>

- whitespace (space, tab, LF) between elements; no XML declaration, comment, CDATA section,
  processing instruction, attribute (but ``xmlns`` on the root), namespace prefix, empty-element
  tag, or element repeated inside one ``<Part>``;
- text without ``<``, ``>``, ``&``, CR, control characters or U+FFFE/U+FFFF, in UTF-8.

Anything else returns ``None`` and the caller parses the body with ``xmltodict`` as before, so
every other body (and every malformed one) gets exactly the answer it got before. Where both
readers accept a body they agree (``tests/test_complete_body.py`` checks it against the
xmltodict reader on botocore's own serialization and on odd bodies).

Not modelled: nothing beyond :func:`mockmpu.s3.request.complete_parts`; this is only its fast
path.
"""

from __future__ import annotations

import re

__all__ = ["fast_complete_fields", "plain_complete_parts"]

_WS = "[ \t\n]*"
_TEXT = "[^<>&\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*"
#: an attribute value: printable ASCII without ``"``, ``&``, ``<``, ``>``
_VALUE = '"[\x20\x21\x23-\x25\x27-\x3b\x3d\x3f-\x7e]*"'
#: a child of ``<Part>``: any name but ``Part`` (xmltodict lists every ``Part``, at any depth)
_NAME = "(?!Part>)[A-Za-z][A-Za-z0-9]*"
_OPEN = re.compile(_WS + "<CompleteMultipartUpload(?:[ \t\n]+xmlns=" + _VALUE + ")?" + _WS + ">")
#: the whole document after the root's start tag (one match validates all of it)
_REST = re.compile(
    _WS
    + "(?:<Part>"
    + _WS
    + "(?:<("
    + _NAME
    + ")>"
    + _TEXT
    + "</\\1>"
    + _WS
    + ")*</Part>"
    + _WS
    + ")*</CompleteMultipartUpload>"
    + _WS
)
#: after validation: each ``<Part>`` and each child's name and text, in document order
_TOKENS = re.compile("<Part>|<(" + _NAME + ")>(" + _TEXT + ")<")
#: the plainest body (what boto3 sends for ``{"PartNumber": n, "ETag": e}`` parts): printable
#: ASCII ETags without space, ``&``, ``<`` or ``>`` (so stripping changes nothing) and decimal
#: part numbers, in either order, nothing else. One pattern per order: a match of the whole
#: body validates it, ``findall`` then reads the pairs.
_ETAG = "<ETag>([\x21-\x25\x27-\x3b\x3d\x3f-\x7e]*)</ETag>"
_NUMBER = "<PartNumber>([0-9]{1,5})</PartNumber>"
_PLAIN = (
    # (pattern, index of the number, index of the ETag in each match)
    (re.compile("<Part>" + _ETAG + _NUMBER + "</Part>"), 1, 0),
    (re.compile("<Part>" + _NUMBER + _ETAG + "</Part>"), 0, 1),
)
_PLAIN_WHOLE = tuple(
    re.compile("(?:" + pattern.pattern.replace("(", "(?:") + ")*</CompleteMultipartUpload>" + _WS)
    for pattern, _, _ in _PLAIN
)


def plain_complete_parts(body: bytes) -> list[tuple[str, str]] | None:
    """``(PartNumber, ETag)`` texts of each ``<Part>`` of the plainest body, or ``None``.

    The plainest body: each ``<Part>`` holds exactly a ``PartNumber`` of one to five decimal
    digits and an ``ETag`` of printable ASCII without space, ``&``, ``<``, ``>`` (in the same
    order in every part), with no whitespace between elements. :func:`fast_complete_fields`
    reads the same texts from it, a dict per part (about twice as slow).
    """
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError:
        return None
    opened = _OPEN.match(text)
    if opened is None:
        return None
    start = opened.end()
    for (pattern, n, e), whole in zip(_PLAIN, _PLAIN_WHOLE):
        if whole.fullmatch(text, start) is not None:
            return [(pair[n], pair[e]) for pair in pattern.findall(text, start)]
    return None


def fast_complete_fields(body: bytes) -> list[dict[str, str]] | None:
    """Each ``<Part>``'s children as ``{name: stripped text}``, or ``None`` to parse slowly."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    opened = _OPEN.match(text)
    if opened is None or _REST.fullmatch(text, opened.end()) is None:
        return None
    parts: list[dict[str, str]] = []
    fields: dict[str, str] = {}
    for name, value in _TOKENS.findall(text, opened.end()):
        if not name:
            fields = {}
            parts.append(fields)
        elif name in fields:
            return None  # xmltodict would make a list of it
        else:
            fields[name] = value.strip()
    return parts
