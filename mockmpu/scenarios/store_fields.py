"""Scenario files, field by field: how each state field is written and checked when read back.

Every field of the state's dataclasses has a :class:`Rule`: how it is written to JSON and how it
is read back and checked against what the semantics accept, so that a hand-edited file that
loads can be served without a traceback. A value that is not acceptable raises
:class:`Invalid`, carrying the JSON path (``buckets[0].uploads[1].parts[0].part_number``), what
was expected and the value found; :mod:`mockmpu.scenarios.store` turns it into the
``MockmpuError`` the caller sees.

Checked (besides the JSON types): S3 part numbers 1..10,000 and sizes 0..5 GiB; part MD5s of 16
bytes; part checksums keyed by an S3 algorithm, base64 of that algorithm's length; upload
checksum algorithm and type among S3's; sequence numbers >= 1; object sizes >= 0 and part counts
1..10,000; Glacier part sizes a power of two from 1 MiB to 4 GiB; Glacier tree hashes 64 hex
digits; Glacier part ranges aligned on the upload's part size, no longer than it, consistent with
their sizes, and below part 10,000; archive sizes and inventory counts >= 0; kept bodies as long
as their sizes; the behaviour switches among their documented values; one owner per child.

Not modelled: consistency between an ETag and its MD5, or between an archive and the parts it
was completed from (both are served as stored).
"""

from __future__ import annotations

import base64
from dataclasses import MISSING, dataclass, fields
from typing import Any, Callable, get_args

from mockmpu.core.errors import MockmpuError
from mockmpu.core.state import (
    Archive,
    Bucket,
    CompletedObject,
    GlacierPart,
    GlacierUpload,
    Part,
    RetiredUpload,
    ServerBehaviour,
    Upload,
    Vault,
)
from mockmpu.glacier.rules import MAX_PART_SIZE as GLACIER_MAX_PART_SIZE
from mockmpu.glacier.rules import MAX_PARTS as GLACIER_MAX_PARTS
from mockmpu.glacier.rules import MIN_PART_SIZE as GLACIER_MIN_PART_SIZE
from mockmpu.glacier.rules import EndMarker, UnknownMarker
from mockmpu.s3.rules import MAX_PART_NUMBER
from mockmpu.scenarios.store_values import (
    CHECKSUM_LENGTHS,
    Invalid,
    as_b64,
    as_bool,
    as_checksums,
    as_int,
    as_list,
    as_md5,
    as_object,
    as_object_checksum,
    as_power_of_two,
    as_str,
    as_str_map,
    as_str_set,
    as_time,
    as_tree_hash,
    checksum_of,
    format_time,
    int_in,
    non_empty,
    one_of,
)

__all__ = ["Rule", "decode_object", "encode_object", "field_rules"]

#: S3's largest part, in bytes (5 GiB).
_S3_MAX_PART_SIZE = 5 * 1024**3


# ----------------------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class Rule:
    """How one dataclass field is written to JSON and read back (``decode(value, json_path)``)."""

    encode: Callable[[Any], Any]
    decode: Callable[[Any, str], Any]


def _same(value: Any) -> Any:
    return value


def _optional(rule: Rule) -> Rule:
    return Rule(
        lambda v: None if v is None else rule.encode(v),
        lambda v, p: None if v is None else rule.decode(v, p),
    )


_STR = Rule(_same, as_str)
_INT = Rule(_same, as_int)
_BOOL = Rule(_same, as_bool)
_TIME = Rule(format_time, as_time)
_MD5 = Rule(lambda v: v.hex(), as_md5)
_B64 = Rule(lambda v: base64.b64encode(bytes(v)).decode("ascii"), as_b64)  # spilled too
_STR_MAP = Rule(dict, as_str_map)
_STR_SET = Rule(sorted, as_str_set)
_OPT_STR = _optional(_STR)
_OPT_TIME = _optional(_TIME)
_OPT_B64 = _optional(_B64)


def _list_of(cls: type[Any]) -> Rule:
    """A list of dataclass instances, in order."""
    return Rule(
        lambda items: [encode_object(item) for item in items],
        lambda v, p: [
            decode_object(cls, item, f"{p}[{i}]") for i, item in enumerate(as_list(v, p))
        ],
    )


def _keyed(cls: type[Any], key: str) -> Rule:
    """A dict of dataclass instances keyed by one of their fields: a list, in the dict's order."""

    def decode(value: Any, path: str) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for i, item in enumerate(as_list(value, path)):
            obj = decode_object(cls, item, f"{path}[{i}]")
            k = getattr(obj, key)
            if k in out:
                raise Invalid(f"{path}[{i}].{key}", f"unique within {path}", k)
            out[k] = obj
        return out

    return Rule(lambda items: [encode_object(item) for item in items.values()], decode)


_NAME = Rule(_same, non_empty)
_PART_NUMBER = Rule(_same, int_in(1, MAX_PART_NUMBER))
_S3_PART_SIZE = Rule(_same, int_in(0, _S3_MAX_PART_SIZE))
_SIZE = Rule(_same, int_in(0))
_SEQ = Rule(_same, int_in(1))
_CHECKSUMS = Rule(dict, as_checksums)
_ALGORITHM = _optional(Rule(_same, one_of(*CHECKSUM_LENGTHS)))
_CHECKSUM_TYPE = _optional(Rule(_same, one_of("COMPOSITE", "FULL_OBJECT")))
_TREE_HASH = Rule(_same, as_tree_hash)
_GLACIER_PART_SIZE = Rule(_same, as_power_of_two(GLACIER_MIN_PART_SIZE, GLACIER_MAX_PART_SIZE))
#: Behaviour switches with a closed set of values (the others follow their default's type).
_BEHAVIOUR_CHOICES: dict[str, Rule] = {
    "glacier_end_marker": Rule(_same, one_of(*get_args(EndMarker))),
    "glacier_unknown_marker": Rule(_same, one_of(*get_args(UnknownMarker))),
}

#: Rebuilt on load from the other fields (sorted indexes); not stored.
_DERIVED: Rule | None = None

_RULES: dict[type, dict[str, Rule | None]] = {
    Part: {
        "part_number": _PART_NUMBER,
        "size": _S3_PART_SIZE,
        "etag": _STR,
        "md5": _MD5,
        "last_modified": _TIME,
        "checksums": _CHECKSUMS,
        "body": _OPT_B64,
        "crc64nvme": _optional(Rule(_same, checksum_of("CRC64NVME"))),
    },
    Upload: {
        "bucket": _NAME,
        "key": _NAME,
        "upload_id": _NAME,
        "initiated": _TIME,
        "seq": _SEQ,
        "storage_class": _STR,
        "checksum_algorithm": _ALGORITHM,
        "checksum_type": _CHECKSUM_TYPE,
        "content_type": _OPT_STR,
        "metadata": _STR_MAP,
        "parts": _keyed(Part, "part_number"),
        "part_numbers": _DERIVED,
    },
    CompletedObject: {
        "bucket": _NAME,
        "key": _NAME,
        "upload_id": _NAME,
        "size": _SIZE,
        "etag": _STR,
        "part_count": _PART_NUMBER,
        "completed": _TIME,
        "parts": _list_of(Part),
        "checksum_algorithm": _ALGORITHM,
        "checksum": _optional(Rule(_same, as_object_checksum)),
        "checksum_type": _CHECKSUM_TYPE,
        "storage_class": _STR,
        "content_type": _OPT_STR,
        "metadata": _STR_MAP,
        "initiated": _OPT_TIME,
    },
    Bucket: {
        "name": _NAME,
        "region": _STR,
        "created": _TIME,
        "uploads": _keyed(Upload, "upload_id"),
        "index": _DERIVED,
        "by_key": _DERIVED,
        "objects": _keyed(CompletedObject, "key"),
        "retired": _keyed(RetiredUpload, "upload_id"),
    },
    RetiredUpload: {
        "upload_id": _NAME,
        "key": _NAME,
        "initiated": _TIME,
        "seq": _SEQ,
    },
    GlacierPart: {
        "range_start": _SIZE,
        "range_end": _SIZE,
        "tree_hash": _TREE_HASH,
        "size": _SIZE,
        "body": _OPT_B64,
    },
    GlacierUpload: {
        "account_id": _STR,
        "region": _STR,
        "vault_name": _NAME,
        "upload_id": _NAME,
        "part_size": _GLACIER_PART_SIZE,
        "description": _OPT_STR,
        "created": _TIME,
        "seq": _SEQ,
        "parts": _keyed(GlacierPart, "range_start"),
        "part_starts": _DERIVED,
    },
    Archive: {
        "archive_id": _NAME,
        "vault_name": _NAME,
        "size": _SIZE,
        "tree_hash": _TREE_HASH,
        "description": _OPT_STR,
        "created": _TIME,
        "upload_id": _OPT_STR,
        "body": _OPT_B64,
    },
    Vault: {
        "account_id": _STR,
        "region": _STR,
        "name": _NAME,
        "created": _TIME,
        "uploads": _keyed(GlacierUpload, "upload_id"),
        "archives": _keyed(Archive, "archive_id"),
        "upload_index": _DERIVED,
        "completed_uploads": _STR_MAP,
        "aborted_uploads": _STR_SET,
        "last_inventory": _OPT_TIME,
        "inventory_archives": _SIZE,
        "inventory_size": _SIZE,
        "written_since_inventory": _BOOL,
    },
}

_SCALAR_RULES: dict[type, Rule] = {bool: _BOOL, int: _INT, str: _STR}


def _behaviour_rules() -> dict[str, Rule | None]:
    # ServerBehaviour grows a switch at a time; every switch is a JSON scalar (str/bool/int) with
    # AWS's behaviour as its default, so the rule follows the default's type. A switch of any
    # other type gets no rule, and saving fails loudly (see field_rules).
    rules: dict[str, Rule | None] = {}
    for f in fields(ServerBehaviour):
        rule = _BEHAVIOUR_CHOICES.get(f.name) or _SCALAR_RULES.get(type(f.default))
        if rule is not None:
            rules[f.name] = rule
    return rules


def field_rules(cls: type[Any]) -> dict[str, Rule | None]:
    """Return the field names a scenario file handles for ``cls`` (``None``: rebuilt on load)."""
    if cls is ServerBehaviour:
        return _behaviour_rules()
    return _RULES[cls]


@dataclass(frozen=True)
class _Plan:
    """A class's stored fields in order: ``(name, rule, required)``, and their names."""

    steps: tuple[tuple[str, Rule, bool], ...]
    names: frozenset[str]


#: Plans by class, made once per process (the state's classes do not change at run time).
_PLANS: dict[type, _Plan] = {}


def _plan(cls: type[Any]) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is not None:
        return plan
    rules = field_rules(cls)
    steps: list[tuple[str, Rule, bool]] = []
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


def encode_object(obj: Any) -> dict[str, Any]:
    return {name: rule.encode(getattr(obj, name)) for name, rule, _ in _plan(type(obj)).steps}


def decode_object(cls: type[Any], value: Any, path: str) -> Any:
    data = as_object(value, path)
    plan = _plan(cls)
    for name in data:
        if name not in plan.names:
            raise Invalid(f"{path}.{name}", f"absent (no such {cls.__name__} field)", data[name])
    kwargs: dict[str, Any] = {}
    for name, rule, required in plan.steps:
        if name in data:
            kwargs[name] = rule.decode(data[name], path + "." + name)
        elif required:
            raise Invalid(f"{path}.{name}", "present", None)
    obj = cls(**kwargs)
    _rebuild(obj, path)
    return obj


def _rebuild(obj: Any, path: str) -> None:
    """Rebuild the sorted indexes of a decoded object and check it against its children."""
    if isinstance(obj, (Part, GlacierPart, Archive)) and (
        obj.body is not None and len(obj.body) != obj.size
    ):
        raise Invalid(f"{path}.body", f"{obj.size} bytes (its size), base64", "...")
    if isinstance(obj, GlacierPart) and obj.size != obj.range_end - obj.range_start + 1:
        expected = f"range_end - range_start + 1 = {obj.range_end - obj.range_start + 1}"
        raise Invalid(f"{path}.size", expected, obj.size)
    if isinstance(obj, Upload):
        obj.part_numbers = sorted(obj.parts)
    elif isinstance(obj, GlacierUpload):
        for i, part in enumerate(obj.parts.values()):
            at = f"{path}.parts[{i}]"
            if part.range_start % obj.part_size:
                raise Invalid(f"{at}.range_start", "a multiple of part_size", part.range_start)
            if part.range_start // obj.part_size >= GLACIER_MAX_PARTS:
                expected = f"below {GLACIER_MAX_PARTS} * part_size"
                raise Invalid(f"{at}.range_start", expected, part.range_start)
            if part.size > obj.part_size:
                raise Invalid(f"{at}.size", "at most part_size", part.size)
        obj.part_starts = sorted(obj.parts)
    elif isinstance(obj, Bucket):
        for i, upload in enumerate(obj.uploads.values()):
            if upload.bucket != obj.name:
                raise Invalid(f"{path}.uploads[{i}].bucket", repr(obj.name), upload.bucket)
        for i, done in enumerate(obj.objects.values()):
            if done.bucket != obj.name:
                raise Invalid(f"{path}.objects[{i}].bucket", repr(obj.name), done.bucket)
        obj.rebuild_index()
    elif isinstance(obj, Vault):
        where = (obj.account_id, obj.region, obj.name)
        for i, g in enumerate(obj.uploads.values()):
            if (g.account_id, g.region, g.vault_name) != where:
                raise Invalid(f"{path}.uploads[{i}]", f"an upload of vault {obj.arn}", g.upload_id)
        for i, archive in enumerate(obj.archives.values()):
            if archive.vault_name != obj.name:
                raise Invalid(
                    f"{path}.archives[{i}].vault_name", repr(obj.name), archive.vault_name
                )
        for upload_id, archive_id in obj.completed_uploads.items():
            if archive_id not in obj.archives:
                raise Invalid(
                    f"{path}.completed_uploads.{upload_id}",
                    "the id of an archive in the vault",
                    archive_id,
                )
        obj.upload_index = sorted((u.seq, u.upload_id) for u in obj.uploads.values())
