"""Glacier semantics (mockmpu._glacier) and the arrange API (mpu.glacier), rule by rule."""

from __future__ import annotations

import io
import os
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import pytest
from botocore.utils import calculate_tree_hash
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockmpu import MockmpuError
from mockmpu.core.errors import ServiceError
from mockmpu.core.state import MpuState
from mockmpu.glacier import semantics as g
from mockmpu.glacier.view import GlacierView

MIB = 1024 * 1024
ACCOUNT = "123456789012"
REGION = "us-east-1"
ARN = f"arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/v"
T0 = datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc)
MISSING = "MissingParameterValueException"
PRINTABLE = "".join(chr(c) for c in range(0x21, 0x7F))
PART_SIZE_MESSAGE = (
    "Invalid part size: {}. Part size must not be null, must be a power of two and be between "
    "1048576 and 4294967296 bytes."
)


@pytest.fixture
def state() -> MpuState:
    return MpuState(clock=T0)


@pytest.fixture
def view(state: MpuState) -> GlacierView:
    view = GlacierView(state)
    view.create_vault("v")
    return view


def where(**kwargs: Any) -> dict[str, Any]:
    return {"account_id": "-", "region": REGION, "vault_name": "v", **kwargs}


def fault(call: Callable[[], object]) -> ServiceError:
    with pytest.raises(ServiceError) as info:
        call()
    return info.value


def initiate(state: MpuState, part_size: int = MIB, description: str | None = None) -> str:
    receipt = g.initiate_multipart_upload(
        state, **where(part_size=str(part_size), archive_description=description)
    )
    return receipt.upload.upload_id


def put(
    state: MpuState, upload_id: str, start: int, body: bytes, *, checksum: str | None = None
) -> g.PartReceipt:
    tree = g.tree_hash(body)
    return g.upload_multipart_part(
        state,
        **where(upload_id=upload_id),
        content_range=f"bytes {start}-{start + len(body) - 1}/*",
        body_size=len(body),
        checksum=tree if checksum is None else checksum,
        computed_tree_hash=tree,
        body=body,
    )


def complete(state: MpuState, upload_id: str, size: int, checksum: str) -> g.ArchiveReceipt:
    return g.complete_multipart_upload(
        state, **where(upload_id=upload_id), archive_size=str(size), checksum=checksum
    )


# ------------------------------------------------------------------------------------ tree hashes


@pytest.mark.parametrize("size", [0, 1, MIB - 1, MIB, MIB + 1, 3 * MIB, 5 * MIB + 17])
def test_tree_hash_matches_botocore(size: int) -> None:
    data = os.urandom(size)
    assert g.tree_hash(data) == calculate_tree_hash(io.BytesIO(data))
    assert g.zero_tree_hash(size) == calculate_tree_hash(io.BytesIO(bytes(size)))


@pytest.mark.parametrize("part_mib", [1, 2, 4])
@pytest.mark.parametrize("extra", [0, 1, MIB // 2, MIB + 7])
@pytest.mark.parametrize("full_parts", [1, 2, 3, 5])
def test_combined_part_hashes_equal_the_whole_archive_hash(
    part_mib: int, extra: int, full_parts: int
) -> None:
    step = part_mib * MIB
    data = os.urandom(full_parts * step + extra)
    parts = [data[i : i + step] for i in range(0, len(data), step)]
    combined = g.combine_tree_hashes(calculate_tree_hash(io.BytesIO(p)) for p in parts)
    assert combined == calculate_tree_hash(io.BytesIO(data))


def test_combining_nothing_is_an_error() -> None:
    with pytest.raises(ValueError):
        g.combine_tree_hashes([])


# ----------------------------------------------------------------------------------------- vaults


def test_create_vault_location_uses_the_numeric_account_and_is_idempotent(state: MpuState) -> None:
    first = g.create_vault(state, account_id="-", region=REGION, vault_name="v")
    assert first.location == f"/{ACCOUNT}/vaults/v"
    state.clock.advance(seconds=5)
    again = g.create_vault(state, account_id=ACCOUNT, region=REGION, vault_name="v")
    assert again.vault is first.vault
    assert again.vault.created == T0
    assert first.vault.arn == ARN


@pytest.mark.parametrize("name", ["", "a" * 256, "a b", "a/b", "caf\u00e9", "v!", "v:1"])
def test_create_vault_rejects_bad_names(state: MpuState, name: str) -> None:
    error = fault(lambda: g.create_vault(state, account_id="-", region=REGION, vault_name=name))
    assert (error.code, error.status) == ("InvalidParameterValueException", 400)
    assert error.message == f"Invalid vault name: {name}"


@pytest.mark.parametrize("name", ["a", "a" * 255, "Az09_-.", "..."])
def test_create_vault_accepts_the_documented_alphabet(state: MpuState, name: str) -> None:
    assert g.create_vault(state, account_id="-", region=REGION, vault_name=name).vault.name == name


def test_vaults_are_keyed_by_account_region_and_name(state: MpuState) -> None:
    a = g.create_vault(state, account_id="-", region=REGION, vault_name="v").vault
    b = g.create_vault(state, account_id="-", region="eu-west-1", vault_name="v").vault
    c = g.create_vault(state, account_id="210987654321", region=REGION, vault_name="v").vault
    assert len({id(a), id(b), id(c)}) == 3
    assert c.arn == "arn:aws:glacier:us-east-1:210987654321:vaults/v"
    error = fault(
        lambda: g.describe_vault(state, account_id="-", region="ap-south-1", vault_name="v")
    )
    assert (
        error.message == f"Vault not found for ARN: arn:aws:glacier:ap-south-1:{ACCOUNT}:vaults/v"
    )


def test_describe_vault_reports_the_last_inventory_only(view: GlacierView) -> None:
    state = view.state
    info = g.describe_vault(state, **where())
    assert (info.vault_arn, info.vault_name, info.creation_date) == (ARN, "v", T0)
    assert (info.last_inventory_date, info.number_of_archives, info.size_in_bytes) == (None, 0, 0)
    upload = view.initiate_multipart_upload("v", archive_size=MIB + 5)
    view.complete_multipart_upload("v", upload.upload_id)
    assert g.describe_vault(state, **where()).number_of_archives == 0  # no inventory yet
    state.clock.advance(days=1)
    view.take_inventory("v")
    info = g.describe_vault(state, **where())
    assert (info.number_of_archives, info.size_in_bytes) == (1, MIB + 5)
    assert info.last_inventory_date == T0 + timedelta(days=1)


def test_describe_missing_vault_is_404(state: MpuState) -> None:
    error = fault(lambda: g.describe_vault(state, **where(vault_name="nope")))
    assert (error.code, error.status, error.sender) == ("ResourceNotFoundException", 404, "Client")
    assert error.message == (
        f"Vault not found for ARN: arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/nope"
    )


def _vault_names(page: g.VaultPage) -> list[str]:
    return [v.vault_name for v in page.vaults]


def test_list_vaults_is_ascii_sorted_and_pages_by_ten(state: MpuState) -> None:
    names = [f"v{i:02d}" for i in range(23)] + ["Zeta", "alpha", "_x"]
    for name in reversed(names):
        g.create_vault(state, account_id="-", region=REGION, vault_name=name)
    g.create_vault(state, account_id="-", region="eu-west-1", vault_name="elsewhere")
    seen: list[str] = []
    marker: str | None = None
    pages = 0
    while True:
        page = g.list_vaults(state, account_id="-", region=REGION, marker=marker)
        assert len(page.vaults) <= 10
        seen += _vault_names(page)
        pages += 1
        if page.marker is None:
            break
        marker = page.marker
        # The marker is the ARN of the next (not yet returned) vault.
        assert marker == f"arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/{sorted(names)[len(seen)]}"
    assert seen == sorted(names)  # ASCII: "Zeta" < "_x" < "alpha" < "v00"
    assert pages == 3


def test_list_vaults_marker_is_inclusive_and_survives_deletion(state: MpuState) -> None:
    for name in "abcde":
        g.create_vault(state, account_id="-", region=REGION, vault_name=name)
    page = g.list_vaults(state, account_id="-", region=REGION, limit="2")
    assert _vault_names(page) == ["a", "b"]
    assert page.marker == f"arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/c"
    g.delete_vault(state, **where(vault_name="c"))
    rest = g.list_vaults(state, account_id="-", region=REGION, limit="2", marker=page.marker)
    assert _vault_names(rest) == ["d", "e"]
    assert rest.marker is None
    assert _vault_names(g.list_vaults(state, account_id="-", region=REGION, marker="")) == list(
        "abde"
    )


@pytest.mark.parametrize("limit", ["0", "11", "-1", "abc", "", "1.5", " 5"])
def test_list_vaults_limit_is_1_to_10(state: MpuState, limit: str) -> None:
    error = fault(lambda: g.list_vaults(state, account_id="-", region=REGION, limit=limit))
    assert (error.code, error.status, error.message) == (
        "InvalidParameterValueException",
        400,
        f"Invalid limit: {limit}",
    )


@pytest.mark.parametrize("marker", ["null", "None", "v", "arn:aws:glacier:eu-west-1:1:vaults/a"])
def test_list_vaults_unknown_marker_errors_or_restarts(state: MpuState, marker: str) -> None:
    g.create_vault(state, account_id="-", region=REGION, vault_name="a")
    error = fault(lambda: g.list_vaults(state, account_id="-", region=REGION, marker=marker))
    assert error.message == f"Invalid marker: {marker}"
    restart = g.ListingBehaviour(unknown_marker="restart")
    page = g.list_vaults(state, account_id="-", region=REGION, marker=marker, behaviour=restart)
    assert _vault_names(page) == ["a"]


def test_delete_vault(view: GlacierView) -> None:
    state = view.state
    g.create_vault(state, **where(vault_name="empty"))
    g.delete_vault(state, **where(vault_name="empty"))
    error = fault(lambda: g.delete_vault(state, **where(vault_name="empty")))
    assert (error.code, error.status) == ("ResourceNotFoundException", 404)
    assert [v.name for v in view.vaults()] == ["v"]


def test_delete_vault_with_an_upload_in_progress_fails_until_aborted(view: GlacierView) -> None:
    state = view.state
    upload = view.initiate_multipart_upload("v")
    error = fault(lambda: g.delete_vault(state, **where()))
    assert (error.code, error.status) == ("InvalidParameterValueException", 400)
    assert error.message == f"Vault not empty or recently written to: {ARN}"
    view.abort_multipart_upload("v", upload.upload_id)
    g.delete_vault(state, **where())
    assert view.vaults() == []


def test_delete_vault_with_an_archive_fails_even_after_inventory(view: GlacierView) -> None:
    state = view.state
    upload = view.initiate_multipart_upload("v", data=b"x")
    view.complete_multipart_upload("v", upload.upload_id)
    assert fault(lambda: g.delete_vault(state, **where())).message.startswith("Vault not empty")
    view.take_inventory("v")
    assert fault(lambda: g.delete_vault(state, **where())).message.startswith("Vault not empty")


# ------------------------------------------------------------------------------------- initiate


@pytest.mark.parametrize("size", [MIB, 2 * MIB, 64 * MIB, 4096 * MIB])
def test_initiate_accepts_power_of_two_mib_part_sizes(view: GlacierView, size: int) -> None:
    receipt = g.initiate_multipart_upload(view.state, **where(part_size=str(size)))
    upload = receipt.upload
    assert upload.part_size == size
    assert receipt.location == f"/{ACCOUNT}/vaults/v/multipart-uploads/{upload.upload_id}"
    assert (upload.created, upload.vault_arn, upload.description) == (T0, ARN, None)


@pytest.mark.parametrize(
    "raw",
    ["0", "1048575", "3145728", "8589934592", "524288", "1048576.0", "abc", "", "-1048576", " 1"],
)
def test_initiate_rejects_other_part_sizes_with_awss_message(view: GlacierView, raw: str) -> None:
    error = fault(lambda: g.initiate_multipart_upload(view.state, **where(part_size=raw)))
    assert (error.code, error.status) == ("InvalidParameterValueException", 400)
    assert error.message == PART_SIZE_MESSAGE.format(raw)


def test_initiate_without_part_size_is_a_missing_parameter(view: GlacierView) -> None:
    error = fault(lambda: g.initiate_multipart_upload(view.state, **where(part_size=None)))
    assert (error.code, error.status, error.message) == (
        "MissingParameterValueException",
        400,
        "Required parameter missing: x-amz-part-size",
    )


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("my archive", "my archive"), ("   padded ", "padded "), ("", None), ("  ", None),
     ("~" * 1024, "~" * 1024), (" " + PRINTABLE, PRINTABLE)],
)  # fmt: skip
def test_initiate_description_rules(view: GlacierView, sent: str, stored: str | None) -> None:
    upload_id = initiate(view.state, description=sent)
    assert view.upload("v", upload_id).description == stored


@pytest.mark.parametrize("sent", ["x" * 1025, "tab\there", "new\nline", "caf\u00e9", "\x7f"])
def test_initiate_rejects_bad_descriptions(view: GlacierView, sent: str) -> None:
    error = fault(lambda: initiate(view.state, description=sent))
    assert (error.code, error.message) == (
        "InvalidParameterValueException",
        f"Invalid x-amz-archive-description: {sent}",
    )


def test_initiate_in_a_missing_vault_is_404(state: MpuState) -> None:
    error = fault(lambda: initiate(state))
    assert error.status == 404
    assert error.message == f"Vault not found for ARN: {ARN}"


# ------------------------------------------------------------------------------------ upload part


def test_upload_part_stores_the_range_and_computed_hash(view: GlacierView) -> None:
    upload_id = initiate(view.state)
    body = os.urandom(MIB)
    receipt = put(view.state, upload_id, MIB, body)
    assert receipt.part.tree_hash == calculate_tree_hash(io.BytesIO(body))
    assert (receipt.part.range_start, receipt.part.range_end, receipt.part.size) == (
        MIB,
        2 * MIB - 1,
        MIB,
    )
    assert receipt.part.body is None  # bodies are kept only with keep_bodies=True


def test_upload_part_reupload_overwrites_the_range(view: GlacierView) -> None:
    upload_id = initiate(view.state)
    put(view.state, upload_id, 0, b"a" * MIB)
    second = put(view.state, upload_id, 0, b"b" * 10)  # a shorter body for the same start
    parts = view.parts("v", upload_id)
    assert len(parts) == 1
    assert parts[0] == second.part
    assert parts[0].range_end == 9


def test_upload_part_accepts_a_short_non_last_part(view: GlacierView) -> None:
    upload_id = initiate(view.state)
    put(view.state, upload_id, 0, b"x")
    put(view.state, upload_id, MIB, b"y" * MIB)
    assert [p.size for p in view.parts("v", upload_id)] == [1, MIB]


def _upload_raw(
    state: MpuState,
    upload_id: str,
    content_range: str | None,
    size: int,
    checksum: str | None = "0" * 64,
) -> g.PartReceipt:
    return g.upload_multipart_part(
        state,
        **where(upload_id=upload_id),
        content_range=content_range,
        body_size=size,
        checksum=checksum,
        computed_tree_hash="0" * 64,
    )


@pytest.mark.parametrize(
    ("content_range", "size", "message"),
    [
        ("bytes=0-9/*", 10, "Invalid Content-Range: bytes=0-9/*"),
        # a total is allowed (RFC 2616, which api-upload-part cites) but must exceed the last byte
        ("bytes 0-9/9", 10, "Invalid Content-Range: bytes 0-9/9"),
        ("bytes 0-9/x", 10, "Invalid Content-Range: bytes 0-9/x"),
        ("0-9", 10, "Invalid Content-Range: 0-9"),
        ("bytes 9-0/*", 10, "Invalid Content-Range: bytes 9-0/*"),
        ("bytes -1-9/*", 10, "Invalid Content-Range: bytes -1-9/*"),
        ("bytes 0-9/*", 9, "Content-Range: bytes 0-9/* is incompatible with Content-Length: 9"),
        (
            "bytes 0-4194303/*",
            3146447,
            "Content-Range: bytes 0-4194303/* is incompatible with Content-Length: 3146447",
        ),
        ("bytes 1-10/*", 10, "Invalid Content-Range: bytes 1-10/*"),
        ("bytes 524288-1572863/*", MIB, "Invalid Content-Range: bytes 524288-1572863/*"),
        ("bytes 0-1048576/*", MIB + 1, "Invalid Content-Range: bytes 0-1048576/*"),
        (
            f"bytes {10000 * MIB}-{10001 * MIB - 1}/*",
            MIB,
            "This is part number 10001 for the current multipart upload. "
            "It exceeds the limit of 10000 parts.",
        ),
    ],
)
def test_upload_part_range_errors(
    view: GlacierView, content_range: str, size: int, message: str
) -> None:
    upload_id = initiate(view.state)
    error = fault(lambda: _upload_raw(view.state, upload_id, content_range, size))
    assert (error.code, error.status, error.message) == (
        "InvalidParameterValueException",
        400,
        message,
    )
    assert view.parts("v", upload_id) == []


def test_upload_part_10000_is_the_last_allowed(view: GlacierView) -> None:
    upload_id = initiate(view.state)
    _upload_raw(view.state, upload_id, f"bytes {9999 * MIB}-{9999 * MIB}/*", 1)
    assert view.parts("v", upload_id)[0].range_start == 9999 * MIB


def test_upload_part_missing_headers(view: GlacierView) -> None:
    upload_id = initiate(view.state)
    error = fault(lambda: _upload_raw(view.state, upload_id, None, 1))
    assert (error.code, error.message) == (
        "MissingParameterValueException",
        "Required parameter missing: Content-Range",
    )
    error = fault(lambda: _upload_raw(view.state, upload_id, "bytes 0-0/*", 1, checksum=None))
    assert error.message == "Required parameter missing: x-amz-sha256-tree-hash"


@pytest.mark.parametrize("checksum", ["000", "z" * 64, "0" * 63, "0" * 65])
def test_upload_part_malformed_tree_hash(view: GlacierView, checksum: str) -> None:
    upload_id = initiate(view.state)
    error = fault(lambda: put(view.state, upload_id, 0, b"data", checksum=checksum))
    assert error.message == f"Invalid x-amz-sha256-tree-hash: {checksum}"


def test_upload_part_tree_hash_mismatch(view: GlacierView) -> None:
    upload_id = initiate(view.state)
    wrong = "ab" * 32
    error = fault(lambda: put(view.state, upload_id, 0, b"data", checksum=wrong))
    assert (error.code, error.status) == ("InvalidParameterValueException", 400)
    assert error.message == f"Checksum mismatch: expected {wrong}, computed {g.tree_hash(b'data')}"
    # Upper-case hex of the right hash is the same hash.
    put(view.state, upload_id, 0, b"data", checksum=g.tree_hash(b"data").upper())


def test_upload_part_unknown_upload_and_vault(view: GlacierView) -> None:
    error = fault(lambda: put(view.state, "nope", 0, b"x"))
    assert (error.code, error.status, error.message) == (
        "ResourceNotFoundException",
        404,
        "The upload ID was not found: nope",
    )
    upload_id = initiate(view.state)
    g.create_vault(view.state, **where(vault_name="other"))
    error = fault(
        lambda: g.upload_multipart_part(
            view.state,
            **where(vault_name="other", upload_id=upload_id),
            content_range="bytes 0-0/*",
            body_size=1,
            checksum=g.tree_hash(b"x"),
            computed_tree_hash=g.tree_hash(b"x"),
        )
    )
    assert error.message == f"The upload ID was not found: {upload_id}"


# --------------------------------------------------------------------------------------- complete


def _three_part_upload(view: GlacierView) -> tuple[str, bytes]:
    data = os.urandom(2 * MIB + 300)
    upload_id = initiate(view.state)
    for start in (0, MIB, 2 * MIB):
        put(view.state, upload_id, start, data[start : start + MIB])
    return upload_id, data


def test_complete_records_the_archive_and_removes_the_upload(state: MpuState) -> None:
    state.keep_bodies = True
    view = GlacierView(state)
    view.create_vault("v")
    upload_id = initiate(state, description="backup 1")
    data = os.urandom(2 * MIB + 300)
    for start in (2 * MIB, 0, MIB):  # any order
        put(state, upload_id, start, data[start : start + MIB])
    whole = calculate_tree_hash(io.BytesIO(data))
    state.clock.advance(seconds=1)
    receipt = complete(state, upload_id, len(data), whole)
    archive = receipt.archive
    assert receipt.location == f"/{ACCOUNT}/vaults/v/archives/{archive.archive_id}"
    assert (archive.size, archive.tree_hash, archive.description) == (len(data), whole, "backup 1")
    assert (archive.upload_id, archive.created, archive.body) == (
        upload_id,
        T0 + timedelta(seconds=1),
        data,
    )
    assert view.archives("v") == [archive]
    assert view.uploads("v") == []
    error = fault(lambda: g.list_parts(state, **where(upload_id=upload_id)))
    assert (error.status, error.message) == (404, f"The upload ID was not found: {upload_id}")
    # Completing again returns the same archive; aborting a completed upload fails.
    assert complete(state, upload_id, len(data), whole).archive is archive
    assert fault(lambda: complete(state, upload_id, len(data) + 1, whole)).status == 400
    error = fault(lambda: g.abort_multipart_upload(state, **where(upload_id=upload_id)))
    assert (error.status, error.message) == (404, f"The upload ID was not found: {upload_id}")
    assert len(view.archives("v")) == 1


@pytest.mark.parametrize(
    ("size_delta", "drop", "short_middle"),
    [(1, None, False), (-1, None, False), (0, MIB, False), (0, 2 * MIB, False), (0, None, True)],
)
def test_complete_with_uncovered_size_fails_and_leaves_the_upload(
    view: GlacierView, size_delta: int, drop: int | None, short_middle: bool
) -> None:
    upload_id, data = _three_part_upload(view)
    upload = view.upload("v", upload_id)
    if drop is not None:
        del upload.parts[drop]
        upload.part_starts.remove(drop)
    if short_middle:
        put(view.state, upload_id, MIB, data[MIB : MIB + 10])
    size = str(len(data) + size_delta)
    error = fault(
        lambda: g.complete_multipart_upload(
            view.state, **where(upload_id=upload_id), archive_size=size, checksum="ab" * 32
        )
    )
    assert (error.code, error.status, error.message) == (
        "InvalidParameterValueException",
        400,
        f"Invalid x-amz-archive-size: {size}",
    )
    assert [u.upload_id for u in view.uploads("v")] == [upload_id]


def test_complete_with_an_extra_part_beyond_the_size_fails(view: GlacierView) -> None:
    upload_id, _ = _three_part_upload(view)
    error = fault(lambda: complete(view.state, upload_id, 2 * MIB, "ab" * 32))
    assert error.message == f"Invalid x-amz-archive-size: {2 * MIB}"


def test_complete_hash_mismatch_then_retry(view: GlacierView) -> None:
    upload_id, data = _three_part_upload(view)
    wrong = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    error = fault(lambda: complete(view.state, upload_id, len(data), wrong))
    assert (error.code, error.message) == (
        "InvalidParameterValueException",
        f"Invalid x-amz-sha256-tree-hash: {wrong}",
    )
    assert view.archives("v") == []
    right = calculate_tree_hash(io.BytesIO(data))
    assert complete(view.state, upload_id, len(data), right).archive.tree_hash == right


@pytest.mark.parametrize(
    ("size", "checksum", "code", "message"),
    [
        (None, "ab" * 32, MISSING, "Required parameter missing: x-amz-archive-size"),
        ("5", None, MISSING, "Required parameter missing: x-amz-sha256-tree-hash"),
        ("5.0", "ab" * 32, "InvalidParameterValueException", "Invalid x-amz-archive-size: 5.0"),
        ("-5", "ab" * 32, "InvalidParameterValueException", "Invalid x-amz-archive-size: -5"),
        ("5", "abc", "InvalidParameterValueException", "Invalid x-amz-sha256-tree-hash: abc"),
        ("0", "ab" * 32, "InvalidParameterValueException", "Invalid x-amz-archive-size: 0"),
    ],
)  # fmt: skip
def test_complete_header_errors(
    view: GlacierView, size: str | None, checksum: str | None, code: str, message: str
) -> None:
    upload_id = initiate(view.state)
    error = fault(
        lambda: g.complete_multipart_upload(
            view.state, **where(upload_id=upload_id), archive_size=size, checksum=checksum
        )
    )
    assert (error.code, error.status, error.message) == (code, 400, message)


def test_complete_unknown_upload_is_404_before_header_checks(view: GlacierView) -> None:
    error = fault(
        lambda: g.complete_multipart_upload(
            view.state, **where(upload_id="nope"), archive_size=None, checksum=None
        )
    )
    assert (error.status, error.message) == (404, "The upload ID was not found: nope")


# ------------------------------------------------------------------------------------------ abort


def test_abort_drops_the_upload_and_is_idempotent(view: GlacierView) -> None:
    keep = view.initiate_multipart_upload("v")
    upload_id = initiate(view.state)
    put(view.state, upload_id, 0, b"x")
    g.abort_multipart_upload(view.state, **where(upload_id=upload_id))
    assert [u.upload_id for u in view.uploads("v")] == [keep.upload_id]
    g.abort_multipart_upload(view.state, **where(upload_id=upload_id))  # again: still fine
    assert fault(lambda: put(view.state, upload_id, 0, b"x")).status == 404
    assert fault(lambda: complete(view.state, upload_id, 1, g.tree_hash(b"x"))).status == 404
    assert fault(lambda: g.list_parts(view.state, **where(upload_id=upload_id))).status == 404
    error = fault(lambda: g.abort_multipart_upload(view.state, **where(upload_id="nope")))
    assert (error.status, error.message) == (404, "The upload ID was not found: nope")


# --------------------------------------------------------------------------------------- listings


@pytest.mark.parametrize("limit", ["0", "51", "-1", "abc", "", "10.0", "1e1"])
def test_list_limits_are_1_to_50(view: GlacierView, limit: str) -> None:
    upload = view.initiate_multipart_upload("v")
    for call in (
        lambda: g.list_multipart_uploads(view.state, **where(limit=limit)),
        lambda: g.list_parts(view.state, **where(upload_id=upload.upload_id, limit=limit)),
    ):
        error = fault(call)
        assert (error.code, error.status, error.message) == (
            "InvalidParameterValueException",
            400,
            f"Invalid limit: {limit}",
        )


def test_list_uploads_default_page_is_50_and_the_last_marker_is_none(view: GlacierView) -> None:
    ids = [view.initiate_multipart_upload("v").upload_id for _ in range(120)]
    first = g.list_multipart_uploads(view.state, **where())
    assert [u.upload_id for u in first.uploads] == ids[:50]
    second = g.list_multipart_uploads(view.state, **where(marker=first.marker))
    third = g.list_multipart_uploads(view.state, **where(marker=second.marker, limit="50"))
    assert [u.upload_id for u in second.uploads + third.uploads] == ids[50:]
    assert (first.marker is not None, second.marker is not None, third.marker) == (True, True, None)


def test_list_uploads_exactly_full_page_has_no_marker(view: GlacierView) -> None:
    for _ in range(3):
        view.initiate_multipart_upload("v")
    assert g.list_multipart_uploads(view.state, **where(limit="3")).marker is None
    assert g.list_multipart_uploads(view.state, **where(limit="2")).marker is not None


def test_list_empty(view: GlacierView) -> None:
    page = g.list_multipart_uploads(view.state, **where())
    assert (page.uploads, page.marker) == ([], None)
    upload = view.initiate_multipart_upload("v")  # BUG-12b: an upload with 0 parts
    parts = g.list_parts(view.state, **where(upload_id=upload.upload_id))
    assert (parts.parts, parts.marker, parts.upload) == ([], None, upload)


def test_list_parts_sorted_by_range(view: GlacierView) -> None:
    upload = view.initiate_multipart_upload("v", parts=[4, 0, 2, 1, 3])
    page = g.list_parts(view.state, **where(upload_id=upload.upload_id, limit="3"))
    assert [p.range_start // MIB for p in page.parts] == [0, 1, 2]
    rest = g.list_parts(view.state, **where(upload_id=upload.upload_id, marker=page.marker))
    assert [p.range_start // MIB for p in rest.parts] == [3, 4]
    assert rest.marker is None


@pytest.mark.parametrize("marker", ["null", "None", "1001", "garbage!", "AAAA"])
def test_unknown_markers_error_or_restart(view: GlacierView, marker: str) -> None:
    upload = view.initiate_multipart_upload("v", parts=3)
    calls: list[Callable[[g.ListingBehaviour], g.UploadPage | g.PartPage]] = [
        lambda b: g.list_multipart_uploads(view.state, **where(marker=marker), behaviour=b),
        lambda b: g.list_parts(
            view.state, **where(upload_id=upload.upload_id, marker=marker), behaviour=b
        ),
    ]
    restart = g.ListingBehaviour(unknown_marker="restart")
    for call in calls:
        error = fault(lambda: call(g.DEFAULT_LISTING))  # noqa: B023
        assert (error.code, error.status, error.message) == (
            "InvalidParameterValueException",
            400,
            f"Invalid marker: {marker}",
        )
        page = call(restart)
        assert page.marker is None


def test_markers_are_scoped_to_their_vault_and_upload(view: GlacierView) -> None:
    view.create_vault("w")
    for _ in range(3):
        view.initiate_multipart_upload("v", parts=3)
        view.initiate_multipart_upload("w", parts=3)
    v_marker = g.list_multipart_uploads(view.state, **where(limit="1")).marker
    assert v_marker is not None
    assert (
        fault(
            lambda: g.list_multipart_uploads(view.state, **where(vault_name="w", marker=v_marker))
        ).message
        == f"Invalid marker: {v_marker}"
    )
    a, b = view.uploads("v")[:2]
    p_marker = g.list_parts(view.state, **where(upload_id=a.upload_id, limit="1")).marker
    assert p_marker is not None
    assert (
        fault(
            lambda: g.list_parts(view.state, **where(upload_id=b.upload_id, marker=p_marker))
        ).status
        == 400
    )
    # Upload and part markers are not interchangeable either.
    assert (
        fault(lambda: g.list_multipart_uploads(view.state, **where(marker=p_marker))).status == 400
    )


def test_listing_behaviour_is_per_state() -> None:
    one, two = MpuState(), MpuState()
    g.set_listing_behaviour(one, g.ListingBehaviour(end_marker="string-null"))
    assert g.listing_behaviour(one).end_marker == "string-null"
    assert g.listing_behaviour(two) is g.DEFAULT_LISTING


class _NoIteration(dict):  # type: ignore[type-arg]
    def __iter__(self) -> Any:
        raise AssertionError("a listing scanned a whole collection")

    values = items = keys = __iter__


def test_lookups_and_pages_never_scan(view: GlacierView) -> None:
    state = view.state
    for i in range(30):
        g.create_vault(state, **where(vault_name=f"x{i:02d}"))
    uploads = [view.initiate_multipart_upload("v", parts=7) for _ in range(30)]
    vault = view.vault("v")
    vault.uploads = _NoIteration(vault.uploads)
    for upload in uploads:
        upload.parts = _NoIteration(upload.parts)
    state.vaults = _NoIteration(state.vaults)
    page = g.list_multipart_uploads(state, **where(limit="5"))
    g.list_multipart_uploads(state, **where(limit="5", marker=page.marker))
    parts = g.list_parts(state, **where(upload_id=uploads[-1].upload_id, limit="2"))
    g.list_parts(state, **where(upload_id=uploads[-1].upload_id, marker=parts.marker))
    g.list_vaults(state, account_id="-", region=REGION, limit="3", marker=f"{ARN[:-1]}x20")
    g.describe_vault(state, **where())
    put(state, uploads[0].upload_id, 7 * MIB, b"tail")
    g.abort_multipart_upload(state, **where(upload_id=uploads[1].upload_id))


# ------------------------------------------------------------- paging properties (hypothesis)

_FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FAST
@given(total=st.integers(0, 130), limits=st.lists(st.integers(1, 50), min_size=1, max_size=8))
def test_paging_uploads_with_random_limits_collects_everything(
    total: int, limits: list[int]
) -> None:
    state = MpuState()
    view = GlacierView(state)
    view.create_vault("v")
    expected = [view.initiate_multipart_upload("v").upload_id for _ in range(total)]
    seen: list[str] = []
    marker: str | None = None
    for turn in range(total + 2):
        limit = str(limits[turn % len(limits)])
        page = g.list_multipart_uploads(state, **where(limit=limit, marker=marker))
        assert len(page.uploads) <= int(limit)
        seen += [u.upload_id for u in page.uploads]
        marker = page.marker
        if marker is None:
            break
    assert seen == expected


@_FAST
@given(
    indexes=st.sets(st.integers(0, 200), max_size=130),
    limits=st.lists(st.integers(1, 50), min_size=1, max_size=8),
)
def test_paging_parts_with_random_limits_collects_everything(
    indexes: set[int], limits: list[int]
) -> None:
    state = MpuState()
    view = GlacierView(state)
    view.create_vault("v")
    upload = view.initiate_multipart_upload("v", parts=sorted(indexes, reverse=True))
    seen: list[int] = []
    marker: str | None = None
    for turn in range(len(indexes) + 2):
        limit = str(limits[turn % len(limits)])
        page = g.list_parts(state, **where(upload_id=upload.upload_id, limit=limit, marker=marker))
        seen += [p.range_start // MIB for p in page.parts]
        marker = page.marker
        if marker is None:
            break
    assert seen == sorted(indexes)


@_FAST
@given(data=st.data(), total=st.integers(1, 90))
def test_paging_uploads_while_uploads_come_and_go(data: st.DataObject, total: int) -> None:
    """Uploads initiated or aborted between pages: survivors appear exactly once, none repeats."""
    state = MpuState()
    view = GlacierView(state)
    view.create_vault("v")
    live = [view.initiate_multipart_upload("v").upload_id for _ in range(total)]
    removed: set[str] = set()
    seen: list[str] = []
    marker: str | None = None
    for _ in range(10 * total + 10):
        limit = data.draw(st.integers(1, 50), label="limit")
        page = g.list_multipart_uploads(state, **where(limit=str(limit), marker=marker))
        seen += [u.upload_id for u in page.uploads]
        marker = page.marker
        if marker is None:
            break
        for _ in range(data.draw(st.integers(0, 3), label="new uploads")):
            live.append(view.initiate_multipart_upload("v").upload_id)
        current = [u.upload_id for u in view.uploads("v")]
        if current:
            victims = data.draw(st.lists(st.sampled_from(current), max_size=3), label="aborts")
            for upload_id in set(victims):
                view.abort_multipart_upload("v", upload_id)
                removed.add(upload_id)
    survivors = [u for u in live if u not in removed]
    assert len(seen) == len(set(seen)), "an upload was listed twice"
    assert set(survivors) <= set(seen), "a surviving upload was skipped"
    assert set(seen) <= set(live)


@_FAST
@given(data=st.data(), first=st.sets(st.integers(0, 150), min_size=1, max_size=80))
def test_paging_parts_while_parts_arrive(data: st.DataObject, first: set[int]) -> None:
    state = MpuState()
    view = GlacierView(state)
    view.create_vault("v")
    upload = view.initiate_multipart_upload("v", parts=sorted(first))
    present = set(first)
    seen: list[int] = []
    marker: str | None = None
    for _ in range(400):
        limit = data.draw(st.integers(1, 50), label="limit")
        page = g.list_parts(
            state, **where(upload_id=upload.upload_id, limit=str(limit), marker=marker)
        )
        seen += [p.range_start // MIB for p in page.parts]
        marker = page.marker
        if marker is None:
            break
        for index in data.draw(st.lists(st.integers(0, 150), max_size=3), label="new parts"):
            view.upload_multipart_part("v", upload.upload_id, index=index)
            present.add(index)
    assert len(seen) == len(set(seen))
    assert first <= set(seen)
    assert seen == sorted(seen)
    assert set(seen) <= present


# ------------------------------------------------------------------------------ the arrange API


def test_view_initiate_with_data_parts_and_gaps(state: MpuState) -> None:
    view = GlacierView(state)
    vault = view.create_vault("v")
    data = os.urandom(3 * MIB + 10)
    whole = view.initiate_multipart_upload(vault, data=data, description="d")
    assert [p.size for p in view.parts(vault, whole.upload_id)] == [MIB, MIB, MIB, 10]
    archive = view.complete_multipart_upload(vault, whole.upload_id)
    assert archive.tree_hash == calculate_tree_hash(io.BytesIO(data))
    gap = view.initiate_multipart_upload(vault, data=data, parts=[0, 2])
    assert [p.range_start for p in view.parts(vault, gap.upload_id)] == [0, 2 * MIB]
    with pytest.raises(MockmpuError, match="upload the missing or short parts first"):
        view.complete_multipart_upload(vault, gap.upload_id)
    view.upload_multipart_part(vault, gap.upload_id, index=1, data=data[MIB : 2 * MIB])
    view.upload_multipart_part(vault, gap.upload_id, index=3, data=data[3 * MIB :])
    assert view.complete_multipart_upload(vault, gap.upload_id).tree_hash == archive.tree_hash


def test_view_synthetic_parts_are_cheap_and_hash_like_zero_bytes(state: MpuState) -> None:
    view = GlacierView(state)
    view.create_vault("v")
    many = view.initiate_multipart_upload("v", part_size=4096 * MIB, parts=3)
    assert {p.tree_hash for p in view.parts("v", many.upload_id)} == {g.zero_tree_hash(4096 * MIB)}
    sized = view.initiate_multipart_upload("v", part_size=2 * MIB, archive_size=5 * MIB + 1)
    assert [p.size for p in view.parts("v", sized.upload_id)] == [2 * MIB, 2 * MIB, MIB + 1]
    archive = view.complete_multipart_upload("v", sized.upload_id)
    assert archive.tree_hash == calculate_tree_hash(io.BytesIO(bytes(5 * MIB + 1)))
    assert archive.body is None


def test_view_created_backdates_without_changing_order(state: MpuState) -> None:
    view = GlacierView(state)
    view.create_vault("v")
    new = view.initiate_multipart_upload("v")
    old = view.initiate_multipart_upload("v", created=T0 - timedelta(days=30))
    assert view.uploads("v") == [new, old]
    assert old.created == T0 - timedelta(days=30)


def test_view_vaults_filter(state: MpuState) -> None:
    view = GlacierView(state)
    view.create_vault("b")
    view.create_vault("a", region="eu-west-1")
    view.create_vault("c", account_id="210987654321")
    assert [v.name for v in view.vaults()] == ["a", "b", "c"]  # by (account, region, name)
    assert [v.name for v in view.vaults(region="eu-west-1")] == ["a"]
    assert [v.name for v in view.vaults(account_id="-")] == ["a", "b"]
    assert view.vault("a", region="eu-west-1").region == "eu-west-1"


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda v: v.vault("nope"), "create it first with mpu.glacier.create_vault('nope')"),
        (lambda v: v.create_vault("bad name"), "use 1-255 characters"),
        (lambda v: v.initiate_multipart_upload("v", part_size=3 * MIB), "power of two"),
        (lambda v: v.parts("v", "nope"), "mpu.glacier.uploads('v') lists the ids"),
        (lambda v: v.initiate_multipart_upload("v", data=b"x", parts=[1]), "past the end"),
        (lambda v: v.initiate_multipart_upload("v", parts=[-1]), "numbered from 0"),
        (lambda v: v.initiate_multipart_upload("v", data=b"x", archive_size=2), "not both"),
        (lambda v: v.initiate_multipart_upload("v", parts=[10000]), "at most 10000 per upload"),
    ],
)
def test_view_misuse_says_what_to_do(
    view: GlacierView, action: Callable[[GlacierView], object], message: str
) -> None:
    with pytest.raises(MockmpuError, match=re.escape(message)):
        action(view)


def test_view_complete_without_parts(view: GlacierView) -> None:
    upload = view.initiate_multipart_upload("v")
    with pytest.raises(MockmpuError, match="has no parts"):
        view.complete_multipart_upload("v", upload.upload_id)


def test_not_found_comes_before_parameter_checks(state: MpuState) -> None:
    assert fault(lambda: g.list_multipart_uploads(state, **where(limit="0"))).status == 404
    GlacierView(state).create_vault("v")
    error = fault(lambda: g.list_parts(state, **where(upload_id="nope", limit="0")))
    assert error.status == 404


@pytest.mark.parametrize(
    "module",
    [
        "glacier/semantics",
        "glacier/rules",
        "glacier/treehash",
        "glacier/vaults",
        "glacier/uploads",
        "glacier/listings",
        "glacier/view",
    ],
)
def test_semantics_and_view_import_no_botocore(module: str) -> None:
    import ast
    from pathlib import Path

    import mockmpu

    source = (Path(mockmpu.__file__).parent / f"{module}.py").read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"botocore", "boto3"}
