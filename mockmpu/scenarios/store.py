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
import binascii
import json
import os
import re
import struct
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields
from datetime import datetime, timezone
from typing import Any, Callable, Union

from sortedcontainers import SortedList

from mockmpu.core.cli_json import read_source
from mockmpu.core.errors import MockmpuError
from mockmpu.core.state import (
    Archive,
    Bucket,
    CompletedObject,
    GlacierPart,
    GlacierUpload,
    MpuState,
    Part,
    RetiredUpload,
    ServerBehaviour,
    Upload,
    Vault,
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


class _Invalid(Exception):
    """A value in the file is not what the format says; carries the JSON path and expectation."""

    def __init__(self, path: str, expected: str, value: Any) -> None:
        super().__init__(path, expected, value)
        self.path = path
        self.expected = expected
        self.value = value


# ---------------------------------------------------------------------------------------- values


def format_time(value: datetime) -> str:
    """Render a timezone-aware datetime as ISO 8601 UTC with microseconds (``...123456Z``)."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")


def _parse_time(value: Any, path: str) -> datetime:
    if not (isinstance(value, str) and _TIME_RE.fullmatch(value)):
        raise _Invalid(path, "an ISO 8601 UTC time like '2024-05-01T12:30:15.123456Z'", value)
    try:
        return datetime.fromisoformat(value[:-1] + "+00:00")
    except ValueError:
        raise _Invalid(path, "a valid date and time", value) from None


def _str(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _Invalid(path, "a string", value)
    return value


def _int(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(path, "an integer", value)
    return value


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(path, "true or false", value)
    return value


def _hex(value: Any, path: str) -> bytes:
    try:
        return bytes.fromhex(_str(value, path))
    except ValueError:
        raise _Invalid(path, "hex digits", value) from None


def _b64(value: Any, path: str) -> bytes:
    try:
        return base64.b64decode(_str(value, path), validate=True)
    except (binascii.Error, ValueError):
        raise _Invalid(path, "base64", value) from None


def _str_map(value: Any, path: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _Invalid(path, "an object of strings", value)
    return {k: _str(v, f"{path}.{k}") for k, v in value.items()}


def _str_set(value: Any, path: str) -> set[str]:
    if not isinstance(value, list):
        raise _Invalid(path, "a list of strings", value)
    return {_str(v, f"{path}[{i}]") for i, v in enumerate(value)}


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Invalid(path, "a list", value)
    return value


def _object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Invalid(path, "an object", value)
    return value


# ----------------------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class _Rule:
    """How one dataclass field is written to JSON and read back (``decode(value, json_path)``)."""

    encode: Callable[[Any], Any]
    decode: Callable[[Any, str], Any]


def _same(value: Any) -> Any:
    return value


def _optional(rule: _Rule) -> _Rule:
    return _Rule(
        lambda v: None if v is None else rule.encode(v),
        lambda v, p: None if v is None else rule.decode(v, p),
    )


_STR = _Rule(_same, _str)
_INT = _Rule(_same, _int)
_BOOL = _Rule(_same, _bool)
_TIME = _Rule(format_time, _parse_time)
_HEX = _Rule(lambda v: v.hex(), _hex)
_B64 = _Rule(lambda v: base64.b64encode(bytes(v)).decode("ascii"), _b64)  # spilled too
_STR_MAP = _Rule(dict, _str_map)
_STR_SET = _Rule(sorted, _str_set)
_OPT_STR = _optional(_STR)
_OPT_TIME = _optional(_TIME)
_OPT_B64 = _optional(_B64)


def _list_of(cls: type[Any]) -> _Rule:
    """A list of dataclass instances, in order."""
    return _Rule(
        lambda items: [_encode(item) for item in items],
        lambda v, p: [_decode(cls, item, f"{p}[{i}]") for i, item in enumerate(_list(v, p))],
    )


def _keyed(cls: type[Any], key: str) -> _Rule:
    """A dict of dataclass instances keyed by one of their fields: a list, in the dict's order."""

    def decode(value: Any, path: str) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for i, item in enumerate(_list(value, path)):
            obj = _decode(cls, item, f"{path}[{i}]")
            k = getattr(obj, key)
            if k in out:
                raise _Invalid(f"{path}[{i}].{key}", f"unique within {path}", k)
            out[k] = obj
        return out

    return _Rule(lambda items: [_encode(item) for item in items.values()], decode)


#: Rebuilt on load from the other fields (sorted indexes); not stored.
_DERIVED: _Rule | None = None

_RULES: dict[type, dict[str, _Rule | None]] = {
    Part: {
        "part_number": _INT,
        "size": _INT,
        "etag": _STR,
        "md5": _HEX,
        "last_modified": _TIME,
        "checksums": _STR_MAP,
        "body": _OPT_B64,
        "crc64nvme": _OPT_STR,
    },
    Upload: {
        "bucket": _STR,
        "key": _STR,
        "upload_id": _STR,
        "initiated": _TIME,
        "seq": _INT,
        "storage_class": _STR,
        "checksum_algorithm": _OPT_STR,
        "checksum_type": _OPT_STR,
        "content_type": _OPT_STR,
        "metadata": _STR_MAP,
        "parts": _keyed(Part, "part_number"),
        "part_numbers": _DERIVED,
    },
    CompletedObject: {
        "bucket": _STR,
        "key": _STR,
        "upload_id": _STR,
        "size": _INT,
        "etag": _STR,
        "part_count": _INT,
        "completed": _TIME,
        "parts": _list_of(Part),
        "checksum_algorithm": _OPT_STR,
        "checksum": _OPT_STR,
        "checksum_type": _OPT_STR,
        "storage_class": _STR,
        "content_type": _OPT_STR,
        "metadata": _STR_MAP,
    },
    Bucket: {
        "name": _STR,
        "region": _STR,
        "created": _TIME,
        "uploads": _keyed(Upload, "upload_id"),
        "index": _DERIVED,
        "objects": _keyed(CompletedObject, "key"),
        "retired": _keyed(RetiredUpload, "upload_id"),
    },
    RetiredUpload: {
        "upload_id": _STR,
        "key": _STR,
        "initiated": _TIME,
        "seq": _INT,
    },
    GlacierPart: {
        "range_start": _INT,
        "range_end": _INT,
        "tree_hash": _STR,
        "size": _INT,
        "body": _OPT_B64,
    },
    GlacierUpload: {
        "account_id": _STR,
        "region": _STR,
        "vault_name": _STR,
        "upload_id": _STR,
        "part_size": _INT,
        "description": _OPT_STR,
        "created": _TIME,
        "seq": _INT,
        "parts": _keyed(GlacierPart, "range_start"),
        "part_starts": _DERIVED,
    },
    Archive: {
        "archive_id": _STR,
        "vault_name": _STR,
        "size": _INT,
        "tree_hash": _STR,
        "description": _OPT_STR,
        "created": _TIME,
        "upload_id": _OPT_STR,
        "body": _OPT_B64,
    },
    Vault: {
        "account_id": _STR,
        "region": _STR,
        "name": _STR,
        "created": _TIME,
        "uploads": _keyed(GlacierUpload, "upload_id"),
        "archives": _keyed(Archive, "archive_id"),
        "upload_index": _DERIVED,
        "completed_uploads": _STR_MAP,
        "aborted_uploads": _STR_SET,
        "last_inventory": _OPT_TIME,
        "inventory_archives": _INT,
        "inventory_size": _INT,
        "written_since_inventory": _BOOL,
    },
}

_SCALAR_RULES: dict[type, _Rule] = {bool: _BOOL, int: _INT, str: _STR}


def _behaviour_rules() -> dict[str, _Rule | None]:
    # ServerBehaviour grows a switch at a time; every switch is a JSON scalar (str/bool/int) with
    # AWS's behaviour as its default, so the rule follows the default's type. A switch of any
    # other type gets no rule, and saving fails loudly (see field_rules).
    rules: dict[str, _Rule | None] = {}
    for f in fields(ServerBehaviour):
        rule = _SCALAR_RULES.get(type(f.default))
        if rule is not None:
            rules[f.name] = rule
    return rules


def field_rules(cls: type[Any]) -> dict[str, _Rule | None]:
    """Return the field names a scenario file handles for ``cls`` (``None``: rebuilt on load)."""
    if cls is ServerBehaviour:
        return _behaviour_rules()
    return _RULES[cls]


@dataclass(frozen=True)
class _Plan:
    """A class's stored fields in order: ``(name, rule, required)``, and their names."""

    steps: tuple[tuple[str, _Rule, bool], ...]
    names: frozenset[str]


#: Plans by class, made once per process (the state's classes do not change at run time).
_PLANS: dict[type, _Plan] = {}


def _plan(cls: type[Any]) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is not None:
        return plan
    rules = field_rules(cls)
    steps: list[tuple[str, _Rule, bool]] = []
    for f in fields(cls):
        if f.name not in rules:
            raise MockmpuError(
                f"mockmpu's scenario-file format does not cover {cls.__name__}.{f.name} yet, so "
                "this state cannot be saved faithfully; this is a mockmpu bug, please report it."
            )
        rule = rules[f.name]
        if rule is not None:
            required = f.default is MISSING and f.default_factory is MISSING
            steps.append((f.name, rule, required))
    plan = _Plan(tuple(steps), frozenset(name for name, _, _ in steps))
    _PLANS[cls] = plan
    return plan


# --------------------------------------------------------------------------------- encode/decode


def _encode(obj: Any) -> dict[str, Any]:
    return {name: rule.encode(getattr(obj, name)) for name, rule, _ in _plan(type(obj)).steps}


def _decode(cls: type[Any], value: Any, path: str) -> Any:
    data = _object(value, path)
    plan = _plan(cls)
    for name in data:
        if name not in plan.names:
            raise _Invalid(f"{path}.{name}", f"absent (no such {cls.__name__} field)", data[name])
    kwargs: dict[str, Any] = {}
    for name, rule, required in plan.steps:
        if name in data:
            kwargs[name] = rule.decode(data[name], path + "." + name)
        elif required:
            raise _Invalid(f"{path}.{name}", "present", None)
    obj = cls(**kwargs)
    _rebuild(obj, path)
    return obj


def _rebuild(obj: Any, path: str) -> None:
    """Rebuild the sorted indexes of a decoded object and check it against its children."""
    if isinstance(obj, Upload):
        obj.part_numbers = sorted(obj.parts)
    elif isinstance(obj, GlacierUpload):
        obj.part_starts = sorted(obj.parts)
    elif isinstance(obj, Bucket):
        for i, upload in enumerate(obj.uploads.values()):
            if upload.bucket != obj.name:
                raise _Invalid(f"{path}.uploads[{i}].bucket", repr(obj.name), upload.bucket)
        for i, done in enumerate(obj.objects.values()):
            if done.bucket != obj.name:
                raise _Invalid(f"{path}.objects[{i}].bucket", repr(obj.name), done.bucket)
        obj.index = SortedList(Bucket.index_entry(u) for u in obj.uploads.values())
    elif isinstance(obj, Vault):
        where = (obj.account_id, obj.region, obj.name)
        for i, g in enumerate(obj.uploads.values()):
            if (g.account_id, g.region, g.vault_name) != where:
                raise _Invalid(f"{path}.uploads[{i}]", f"an upload of vault {obj.arn}", g.upload_id)
        for i, archive in enumerate(obj.archives.values()):
            if archive.vault_name != obj.name:
                raise _Invalid(
                    f"{path}.archives[{i}].vault_name", repr(obj.name), archive.vault_name
                )
        for upload_id, archive_id in obj.completed_uploads.items():
            if archive_id not in obj.archives:
                raise _Invalid(
                    f"{path}.completed_uploads.{upload_id}",
                    "the id of an archive in the vault",
                    archive_id,
                )
        obj.upload_index = sorted((u.seq, u.upload_id) for u in obj.uploads.values())


def _encode_rng(rng_state: tuple[Any, ...]) -> dict[str, Any]:
    version, internal, gauss_next = rng_state
    packed = struct.pack(f">{len(internal)}I", *internal)
    return {
        "version": version,
        "internal": base64.b64encode(packed).decode("ascii"),
        "gauss_next": gauss_next,
    }


def _decode_rng(value: Any, path: str) -> tuple[Any, ...]:
    data = _object(value, path)
    if set(data) != {"version", "internal", "gauss_next"}:
        raise _Invalid(path, "an object with version, internal and gauss_next", value)
    packed = _b64(data["internal"], f"{path}.internal")
    if len(packed) % 4:
        raise _Invalid(f"{path}.internal", "whole 32-bit words", data["internal"])
    internal = struct.unpack(f">{len(packed) // 4}I", packed)
    gauss_next = data["gauss_next"]
    if gauss_next is not None and not isinstance(gauss_next, float):
        raise _Invalid(f"{path}.gauss_next", "null or a number", gauss_next)
    return (_int(data["version"], f"{path}.version"), internal, gauss_next)


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
            "behaviour": _encode(state.behaviour),
            "buckets": [_encode(b) for b in state.buckets.values()],
            "vaults": [_encode(state.vaults[key]) for key in state.vault_keys],
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
    except _Invalid as bad:
        shown = repr(bad.value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise MockmpuError(
            f"{source} is not a valid scenario file: {bad.path} must be {bad.expected}, not "
            f"{shown}; fix it or save the state again with mpu.save()."
        ) from None


def _build_state(doc: Mapping[str, Any]) -> MpuState:
    for key in doc:
        if key not in _TOP_KEYS:
            raise _Invalid(key, "absent (not a version 1 key)", doc[key])
    for key in _TOP_KEYS:
        if key not in doc:
            raise _Invalid(key, "present", None)
    seed = doc["seed"]
    if seed is not None:
        _int(seed, "seed")
    state = MpuState(
        seed=seed,
        clock=_parse_time(doc["now"], "now"),
        account_id=_str(doc["account_id"], "account_id"),
        keep_bodies=_bool(doc["keep_bodies"], "keep_bodies"),
    )
    try:
        state.ids.setstate(_decode_rng(doc["rng_state"], "rng_state"))
    except (TypeError, ValueError):
        raise _Invalid("rng_state", "a generator state written by mpu.save()", "...") from None
    state.behaviour = _decode(ServerBehaviour, doc["behaviour"], "behaviour")
    max_seq = 0
    for i, item in enumerate(_list(doc["buckets"], "buckets")):
        bucket: Bucket = _decode(Bucket, item, f"buckets[{i}]")
        if bucket.name in state.buckets:
            raise _Invalid(f"buckets[{i}].name", "unique", bucket.name)
        state.buckets[bucket.name] = bucket
        max_seq = max([max_seq, *(u.seq for u in bucket.uploads.values())])
    for i, item in enumerate(_list(doc["vaults"], "vaults")):
        vault: Vault = _decode(Vault, item, f"vaults[{i}]")
        if (vault.account_id, vault.region, vault.name) in state.vaults:
            raise _Invalid(f"vaults[{i}].name", "unique in its account and region", vault.name)
        state.add_vault(vault)
        max_seq = max([max_seq, *(u.seq for u in vault.uploads.values())])
    last_seq = _int(doc["last_seq"], "last_seq")
    if last_seq < max_seq:
        raise _Invalid("last_seq", f"at least {max_seq} (the highest upload seq)", last_seq)
    state.last_seq = last_seq
    return state


def load_state(path: PathArg) -> MpuState:
    """Build a new ``MpuState`` from the scenario file at ``path`` (see :func:`loads_state`)."""
    text = read_source(path, "scenario file")
    return loads_state(text, source=f"Scenario file {os.fspath(path)!r}")
