"""Scenario files: the whole fake state as readable, versioned JSON (``mpu.save`` / ``state=path``).

A scenario file holds everything that decides what the fake answers next: every S3 bucket with
its in-progress uploads (parts included) and completed objects, every Glacier vault with its
uploads, archives, completed and aborted upload ids and inventory fields, the server behaviour
switches, the account id, ``keep_bodies``, the last initiation sequence number, the id
generator's position and the clock's instant. Loading it gives a state whose subsequent answers
are byte-identical to those of the state that was saved.

Format (``"format": "mockmpu-state"``, ``"version": 1``): keys are the state's own field names
(snake_case of the botocore terms: ``upload_id``, ``part_number``, ``storage_class``), in field
order; collections are lists in the state's order; timestamps are ISO 8601 UTC with
microseconds (``2024-05-01T12:30:15.123456Z``); part MD5s are hex; bodies (kept only with
``keep_bodies``) are base64. Indexes (``Bucket.index``, ``Upload.part_numbers`` ...) are rebuilt,
not stored. Output is ``indent=2`` and deterministic: saving the same state twice gives the same
bytes.

The clock is saved as its current instant and always loads **frozen** there, whatever its mode
was (wall clock, callable, frozen): a wall clock cannot be replayed, and a reproduction that
drifted with the wall clock would age its uploads and change what a stale-upload cleaner does.
Move it after loading with ``mpu.state.clock.advance(...)`` or ``.set(...)``.

Not modelled: the lock, the ``Clock`` source callable, and call records (``mpu.calls``) are not
part of the state and are not saved.
"""

from __future__ import annotations

import base64
import json
import os
import reprlib
import struct
from collections.abc import Mapping
from typing import Any, Union

from mockmpu.core.cli_json import read_source
from mockmpu.core.errors import MockmpuError
from mockmpu.core.state import Bucket, MpuState, ServerBehaviour, Vault
from mockmpu.scenarios.store_fields import decode_object, encode_object, field_rules
from mockmpu.scenarios.store_values import (
    Invalid,
    as_b64,
    as_bool,
    as_int,
    as_list,
    as_object,
    as_str,
    as_time,
    deepest_path,
    format_time,
)

__all__ = [
    "FORMAT",
    "STATE_ATTRIBUTES",
    "VERSION",
    "dumps_state",
    "field_rules",
    "format_time",
    "load_state",
    "loads_state",
    "read_source",
    "save_state",
]

FORMAT = "mockmpu-state"
VERSION = 1

PathArg = Union[str, "os.PathLike[str]"]

#: ``MpuState`` attributes and how a scenario file treats each (a test compares this with
#: ``vars(MpuState())``, so an attribute added to the state cannot be silently left out).
STATE_ATTRIBUTES: dict[str, str] = {
    "lock": "not saved: a new lock is made",
    "clock": "saved as its current instant (key 'now'); loads frozen there",
    "ids": "saved as 'seed' and 'rng_state' (the generator's position)",
    "account_id": "saved",
    "keep_bodies": "saved",
    "behaviour": "saved",
    "buckets": "saved",
    "vaults": "saved",
    "vault_keys": "rebuilt from 'vaults'",
    "_seq": "saved as 'last_seq'",
}

_TOP_KEYS = (
    "format",
    "version",
    "account_id",
    "keep_bodies",
    "now",
    "seed",
    "last_seq",
    "behaviour",
    "buckets",
    "vaults",
    "rng_state",
)


def _encode_rng(rng_state: tuple[Any, ...]) -> dict[str, Any]:
    version, internal, gauss_next = rng_state
    packed = struct.pack(f">{len(internal)}I", *internal)
    return {
        "version": version,
        "internal": base64.b64encode(packed).decode("ascii"),
        "gauss_next": gauss_next,
    }


def _decode_rng(value: Any, path: str) -> tuple[Any, ...]:
    data = as_object(value, path)
    if set(data) != {"version", "internal", "gauss_next"}:
        raise Invalid(path, "an object with version, internal and gauss_next", value)
    packed = as_b64(data["internal"], f"{path}.internal")
    if len(packed) % 4:
        raise Invalid(f"{path}.internal", "whole 32-bit words", data["internal"])
    internal = struct.unpack(f">{len(packed) // 4}I", packed)
    gauss_next = data["gauss_next"]
    if gauss_next is not None and not isinstance(gauss_next, float):
        raise Invalid(f"{path}.gauss_next", "null or a number", gauss_next)
    return (as_int(data["version"], f"{path}.version"), internal, gauss_next)


def dumps_state(state: MpuState) -> str:
    """Return ``state`` as scenario-file JSON text (deterministic, ``indent=2``, newline-ended)."""
    with state.lock:
        doc: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "account_id": state.account_id,
            "keep_bodies": state.keep_bodies,
            "now": format_time(state.clock.now()),
            "seed": state.ids.seed,
            "last_seq": state.last_seq,
            "behaviour": encode_object(state.behaviour),
            "buckets": [encode_object(b) for b in state.buckets.values()],
            "vaults": [encode_object(state.vaults[key]) for key in state.vault_keys],
            # last: a long opaque line that readers of the file can skip
            "rng_state": _encode_rng(state.ids.getstate()),
        }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def save_state(state: MpuState, path: PathArg) -> None:
    """Write ``state`` to ``path`` as a scenario file (UTF-8 JSON), replacing any file there."""
    text = dumps_state(state)
    try:
        with open(os.fspath(path), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError as error:
        raise MockmpuError(
            f"Cannot write scenario file {os.fspath(path)!r} ({error.strerror}); pass a path in a "
            "writable directory."
        ) from error


def _not_a_scenario(source: str, doc: Any) -> MockmpuError:
    if isinstance(doc, dict) and ("Uploads" in doc or "UploadsList" in doc or "Parts" in doc):
        return MockmpuError(
            f"{source} looks like AWS CLI output, not a mockmpu scenario file; import it with "
            "mpu.s3.import_aws_cli(bucket, ...) or mpu.glacier.import_aws_cli(...)."
        )
    found = doc.get("format") if isinstance(doc, dict) else None
    return MockmpuError(
        f'{source} is not a mockmpu scenario file (its "format" is {found!r}, expected '
        f"{FORMAT!r}); pass a file written by mpu.save()."
    )


def loads_state(text: str, *, source: str = "The scenario") -> MpuState:
    """Build a new ``MpuState`` from scenario-file JSON text.

    Raises ``MockmpuError`` (naming ``source`` and the JSON path at fault) for text that is not
    JSON, not a scenario file, of another format version, or not valid in that version.
    """
    deep = deepest_path(text, _MAX_DEPTH)
    if deep is not None:
        raise MockmpuError(
            f"{source} is not a valid scenario file: {deep} nests more than {_MAX_DEPTH} levels "
            "deep (a scenario file has at most 8); fix it or save the state again with mpu.save()."
        )
    try:
        doc = json.loads(text)
    except ValueError as error:
        raise MockmpuError(
            f"{source} is not JSON ({error}); pass a file written by mpu.save()."
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _not_a_scenario(source, doc)
    version = doc.get("version")
    if version != VERSION or isinstance(version, bool):
        raise MockmpuError(
            f"{source} is scenario format version {version!r}, but this mockmpu reads version "
            f"{VERSION}; load it with the mockmpu version that wrote it."
        )
    try:
        return _build_state(doc)
    except Invalid as bad:
        shown = _REPR.repr(bad.value)  # bounded: a value may be long or deeply nested
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise MockmpuError(
            f"{source} is not a valid scenario file: {bad.path} must be {bad.expected}, not "
            f"{shown}; fix it or save the state again with mpu.save()."
        ) from None


_MAX_DEPTH = 64
_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxstring = 60
_REPR.maxother = 60


def _build_state(doc: Mapping[str, Any]) -> MpuState:
    for key in doc:
        if key not in _TOP_KEYS:
            raise Invalid(key, "absent (not a version 1 key)", doc[key])
    for key in _TOP_KEYS:
        if key not in doc:
            raise Invalid(key, "present", None)
    seed = doc["seed"]
    if seed is not None:
        as_int(seed, "seed")
    account_id = as_str(doc["account_id"], "account_id")
    if not (len(account_id) == 12 and account_id.isascii() and account_id.isdigit()):
        raise Invalid("account_id", "a 12-digit string such as '123456789012'", account_id)
    state = MpuState(
        seed=seed,
        clock=as_time(doc["now"], "now"),
        account_id=account_id,
        keep_bodies=as_bool(doc["keep_bodies"], "keep_bodies"),
    )
    try:
        state.ids.setstate(_decode_rng(doc["rng_state"], "rng_state"))
    except (TypeError, ValueError):
        raise Invalid("rng_state", "a generator state written by mpu.save()", "...") from None
    state.behaviour = decode_object(ServerBehaviour, doc["behaviour"], "behaviour")
    max_seq = 0
    for i, item in enumerate(as_list(doc["buckets"], "buckets")):
        bucket: Bucket = decode_object(Bucket, item, f"buckets[{i}]")
        if bucket.name in state.buckets:
            raise Invalid(f"buckets[{i}].name", "unique", bucket.name)
        state.buckets[bucket.name] = bucket
        max_seq = max([max_seq, *(u.seq for u in bucket.uploads.values())])
    for i, item in enumerate(as_list(doc["vaults"], "vaults")):
        vault: Vault = decode_object(Vault, item, f"vaults[{i}]")
        if (vault.account_id, vault.region, vault.name) in state.vaults:
            raise Invalid(f"vaults[{i}].name", "unique in its account and region", vault.name)
        state.add_vault(vault)
        max_seq = max([max_seq, *(u.seq for u in vault.uploads.values())])
    last_seq = as_int(doc["last_seq"], "last_seq")
    if last_seq < max_seq:
        raise Invalid("last_seq", f"at least {max_seq} (the highest upload seq)", last_seq)
    state.last_seq = last_seq
    return state


def load_state(path: PathArg) -> MpuState:
    """Build a new ``MpuState`` from the scenario file at ``path`` (see :func:`loads_state`)."""
    text = read_source(path, "scenario file")
    return loads_state(text, source=f"Scenario file {os.fspath(path)!r}")
