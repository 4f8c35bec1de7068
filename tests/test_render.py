"""The direct S3 document renderer writes exactly what xmltodict.unparse writes (issue 13)."""

from __future__ import annotations

from typing import Any

import xmltodict
from hypothesis import given, settings
from hypothesis import strategies as st

from mockmpu.s3.render import NAMESPACE, _unparse, document

_names = st.sampled_from(["Key", "UploadId", "Owner", "ID", "IsTruncated", "Part", "a1"])
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
_leaf = st.one_of(_text, st.integers(-5, 10**12), st.booleans(), st.none())
_tree: Any = st.recursive(
    _leaf,
    lambda children: st.one_of(
        st.dictionaries(_names, children, max_size=4),
        st.lists(st.one_of(_leaf, st.dictionaries(_names, children, max_size=3)), max_size=3),
    ),
    max_leaves=12,
)


def _xmltodict(root: str, body: dict[str, Any], namespace: bool) -> str:
    content = {"@xmlns": NAMESPACE, **body} if namespace else dict(body)
    text: str = xmltodict.unparse({root: content}, encoding="UTF-8")
    return text


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_names, _tree, max_size=6), st.booleans())
def test_plain_documents_render_as_xmltodict_renders_them(
    body: dict[str, Any], namespace: bool
) -> None:
    assert _unparse("ListMultipartUploadsResult", body, namespace) == _xmltodict(
        "ListMultipartUploadsResult", body, namespace
    )


def test_documents_with_attributes_or_text_keys_go_through_xmltodict() -> None:
    for body in ({"@foo": "1", "Key": "k"}, {"Owner": {"#text": "x", "ID": "1"}}, {"K": 1.5}):
        assert _unparse("Error", body, False) == _xmltodict("Error", body, False)


def test_a_tail_goes_before_the_end_tag_and_carriage_returns_are_references() -> None:
    doc = document("ListPartsResult", {"Key": "a\rb", "Bucket": "b"}, tail=b"<Part></Part>")
    assert doc == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<ListPartsResult xmlns="'
        + NAMESPACE.encode()
        + b'"><Key>a&#13;b</Key><Bucket>b</Bucket><Part></Part></ListPartsResult>'
    )
    empty = document("ListPartsResult", {}, tail=b"<Part></Part>")
    assert empty.endswith(b'/"><Part></Part></ListPartsResult>')
