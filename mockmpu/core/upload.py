"""The S3 upload and part records (:class:`Upload`, :class:`Part`), re-exported by
:mod:`mockmpu.core.records`.

An upload's key, id, initiation time and order have a slot each; its bucket and what most
uploads leave at the defaults (storage class, checksum settings, content type, metadata, parts)
live in one options object, which the uploads of a bucket created with the defaults share until
one of them is written. A bulk-arranged upload then costs 72 bytes, not 128. Stdlib (and
``core.bodies``) only.
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

from mockmpu.core.bodies import KeptBody

__all__ = ["Part", "Upload", "slotted"]

_C = TypeVar("_C", bound=type)


def slotted(cls: _C, folded: tuple[str, ...] = ()) -> _C:
    """Give a dataclass ``__slots__`` (what ``dataclass(slots=True)`` does on Python 3.10+).

    Fields named in ``folded`` get no slot: the class provides them as properties.
    """
    names = tuple(f.name for f in fields(cls) if f.name not in folded)
    namespace: dict[str, Any] = {
        k: v
        for k, v in cls.__dict__.items()
        if k not in (*names, *folded, "__dict__", "__weakref__")
    }
    namespace["__slots__"] = names + (("_options",) if folded else ())
    for name in folded:
        namespace[name] = _option(name)
    slotted = type(cls)(cls.__name__, cls.__bases__, namespace)
    slotted.__qualname__ = cls.__qualname__
    return slotted


@slotted
@dataclass
class Part:
    """One uploaded S3 part. ``etag`` is quoted hex MD5; ``md5`` the binary digest; sizes in bytes.

    ``checksums`` maps the algorithm (``"CRC32"``, ``"SHA256"`` ...) to the base64 value sent.
    ``body`` is kept only when the state keeps bodies: the bytes, or where they were spilled to
    disk (``core.bodies``; read either with ``body_bytes``).
    """

    part_number: int
    size: int
    etag: str
    md5: bytes
    last_modified: datetime
    checksums: dict[str, str] = field(default_factory=dict)
    body: KeptBody | None = None
    #: base64 CRC64NVME of the part, for uploads created without a checksum algorithm: S3's
    #: default full-object checksum of the completed object is combined from these.
    crc64nvme: str | None = None


class _Unwritable:
    """Marks the shared empty containers of an upload without parts."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            "this upload's parts or metadata are a shared empty container: add parts with "
            "Upload.put_part, give metadata as a new dict"
        )


class _NoParts(_Unwritable, dict):  # type: ignore[type-arg]
    __slots__ = ()
    __hash__ = object.__hash__  # type: ignore[assignment]  # a dataclass default must hash
    __setitem__ = __delitem__ = update = setdefault = pop = popitem = clear = _Unwritable._refuse
    __ior__ = _Unwritable._refuse


class _NoPartNumbers(_Unwritable, list):  # type: ignore[type-arg]
    __slots__ = ()
    __hash__ = object.__hash__  # type: ignore[assignment]
    __setitem__ = __delitem__ = append = insert = extend = remove = pop = clear = (
        _Unwritable._refuse
    )
    sort = reverse = __iadd__ = __imul__ = _Unwritable._refuse


_NO_PARTS: dict[int, Any] = _NoParts()
_NO_METADATA: dict[str, str] = _NoParts()
_NO_PART_NUMBERS: list[int] = _NoPartNumbers()


def _shared(empty: Any) -> Any:
    """A field defaulting to one of the shared empty containers above.

    Python 3.11+ accepts it as a plain default (it hashes); older dataclasses refuse any dict or
    list default, so there the same object comes from a factory.
    """
    if sys.version_info >= (3, 11):
        return field(default=empty)
    return field(default_factory=lambda: empty)


_OPTIONS = (
    "bucket",
    "storage_class",
    "checksum_algorithm",
    "checksum_type",
    "content_type",
    "metadata",
    "parts",
    "part_numbers",
)


class _Options:
    """The fields of an :class:`Upload` in ``_OPTIONS``, one slot each."""

    __slots__ = _OPTIONS

    def __init__(
        self,
        bucket: str,
        storage_class: str,
        checksum_algorithm: str | None,
        checksum_type: str | None,
        content_type: str | None,
        metadata: dict[str, str],
        parts: dict[int, Part],
        part_numbers: list[int],
    ) -> None:
        self.bucket = bucket
        self.storage_class = storage_class
        self.checksum_algorithm = checksum_algorithm
        self.checksum_type = checksum_type
        self.content_type = content_type
        self.metadata = metadata
        self.parts = parts
        self.part_numbers = part_numbers

    def values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _OPTIONS)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Options, self.values())


class _Shared(_Options):
    """Options shared by the uploads of one bucket created with the defaults; never written
    (the first write through an upload gives it options of its own, see ``_option``)."""

    __slots__ = ()


_SHARED: dict[str, _Shared] = {}


def _shared_options(bucket: str) -> _Shared:
    shared = _SHARED.get(bucket)
    if shared is None:
        if len(_SHARED) >= 1024:  # forgetting one only costs a new shared instance
            _SHARED.clear()
        shared = _SHARED[bucket] = _Shared(
            bucket, "STANDARD", None, None, None, _NO_METADATA, _NO_PARTS, _NO_PART_NUMBERS
        )
    return shared


def _option(name: str) -> property:
    # The getter is an attrgetter: read in C, no Python frame per access (renderers read these
    # for every upload and part they list).
    get = attrgetter("_options." + name)

    def put(self: Upload, value: Any) -> None:
        options = self._options
        if type(options) is _Shared:  # the first write gives the upload options of its own
            options = self._options = _Options(*options.values())
        setattr(options, name, value)

    return property(get, put)


def _fold_options(cls: _C) -> _C:
    return slotted(cls, _OPTIONS)


@_fold_options
@dataclass(init=False)
class Upload:
    """An in-progress S3 multipart upload; ``seq`` is its initiation order in the whole state."""

    bucket: str
    key: str
    upload_id: str
    initiated: datetime
    seq: int
    storage_class: str = "STANDARD"
    checksum_algorithm: str | None = None
    checksum_type: str | None = None
    content_type: str | None = None
    #: without metadata, a shared empty mapping that refuses writes (pass a dict to have one).
    metadata: dict[str, str] = _shared(_NO_METADATA)  # noqa: RUF009 - a field(), see _shared
    #: until the first part, both are shared empty containers that refuse writes (an upload
    #: without parts then costs no containers of its own); write parts with :meth:`put_part`.
    parts: dict[int, Part] = _shared(_NO_PARTS)  # noqa: RUF009 - a field(), see _shared
    part_numbers: list[int] = _shared(_NO_PART_NUMBERS)  # noqa: RUF009 - sorted keys of parts

    if TYPE_CHECKING:  # the slot holding the folded fields (see ``slotted``)
        _options: _Options = field(init=False)

    def __init__(
        self,
        bucket: str,
        key: str,
        upload_id: str,
        initiated: datetime,
        seq: int,
        storage_class: str = "STANDARD",
        checksum_algorithm: str | None = None,
        checksum_type: str | None = None,
        content_type: str | None = None,
        metadata: dict[str, str] = _NO_METADATA,
        parts: dict[int, Part] = _NO_PARTS,
        part_numbers: list[int] = _NO_PART_NUMBERS,
    ) -> None:
        self.key = key
        self.upload_id = upload_id
        self.initiated = initiated
        self.seq = seq
        if (
            storage_class == "STANDARD"
            and checksum_algorithm is None
            and checksum_type is None
            and content_type is None
            and metadata is _NO_METADATA
            and parts is _NO_PARTS
            and part_numbers is _NO_PART_NUMBERS
        ):
            self._options = _SHARED.get(bucket) or _shared_options(bucket)
        else:
            self._options = _Options(
                bucket,
                storage_class,
                checksum_algorithm,
                checksum_type,
                content_type,
                metadata,
                parts,
                part_numbers,
            )

    def __copy__(self) -> Upload:
        # A copy gets options of its own, as a copy with one slot per field would.
        return Upload(*(getattr(self, f.name) for f in fields(self)))

    def put_part(self, part: Part) -> None:
        """Add or overwrite a part, keeping ``part_numbers`` sorted."""
        if isinstance(self.parts, _Unwritable):
            self.parts = {}
        if isinstance(self.part_numbers, _Unwritable):
            self.part_numbers = list(self.part_numbers)
        if part.part_number not in self.parts:
            bisect.insort(self.part_numbers, part.part_number)
        self.parts[part.part_number] = part

    def sorted_parts(self) -> Iterator[Part]:
        return (self.parts[n] for n in self.part_numbers)
