"""SHA-256 tree hashes as Glacier computes them (1 MiB leaves), and their combination.

Source: https://docs.aws.amazon.com/amazonglacier/latest/dev/checksum-calculations.html
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence

from mockmpu.glacier.rules import (
    MIB,
)


def _combine(digests: Sequence[bytes]) -> bytes:
    level = list(digests)
    while len(level) > 1:
        paired = [
            hashlib.sha256(level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])  # an odd node is carried up unchanged
        level = paired
    return level[0]


def tree_hash(data: bytes) -> str:
    """Return the hex SHA-256 tree hash of ``data`` (1 MiB leaves; ``sha256(b"")`` when empty).

    Same algorithm as ``botocore.utils.calculate_tree_hash`` (checksum-calculations).
    """
    leaves = [hashlib.sha256(data[i : i + MIB]).digest() for i in range(0, len(data), MIB)]
    return _combine(leaves or [hashlib.sha256(b"").digest()]).hex()


def combine_tree_hashes(hashes: Iterable[str]) -> str:
    """Combine consecutive parts' hex tree hashes into the whole archive's tree hash.

    This equals the tree hash of the concatenated bytes when every part but the last is the same
    power-of-two number of MiB and starts at a multiple of that size, which Glacier enforces: a
    full part of ``2**k`` MiB is exactly one aligned subtree of ``2**k`` leaves, and the pairing
    below level ``k`` never crosses a part boundary (every earlier part has an even number of
    nodes at each of those levels), so the short last part reduces to the same node it would
    alone. Combining the part hashes pairwise is then the rest of the whole-archive tree.
    """
    digests = [bytes.fromhex(h) for h in hashes]
    if not digests:
        raise ValueError("combine_tree_hashes needs at least one part hash")
    return _combine(digests).hex()


@functools.lru_cache(maxsize=64)
def zero_tree_hash(size: int) -> str:
    """Return the tree hash of ``size`` zero bytes without building them (cheap for GiB parts)."""
    full, rest = divmod(size, MIB)
    leaves = [hashlib.sha256(bytes(MIB)).digest()] * full
    if rest or not leaves:
        leaves.append(hashlib.sha256(bytes(rest)).digest())
    return _combine(leaves).hex()
