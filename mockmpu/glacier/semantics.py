"""Amazon S3 Glacier vault semantics: vaults, multipart uploads, parts, archives and listings.

Pure functions over :class:`~mockmpu.core.state.MpuState` (stdlib only, no botocore), named
after the boto3 methods. Inputs are the values as they arrive on the wire (``limit``,
``partSize`` and ``archiveSize`` are strings in the botocore model), so error messages can echo
them. Faults are raised as :class:`~mockmpu.core.errors.ServiceError` with AWS's code, message and
HTTP status; the codec renders them. Every function takes ``state.lock``. No lookup scans:
vaults, uploads and parts are found by key, and pages are cut from sorted indexes with ``bisect``.

This module is the one entry point; the functions live by responsibility in ``glacier.vaults``,
``glacier.uploads`` (initiate, parts, complete, abort), ``glacier.listings``, ``glacier.treehash``
and ``glacier.rules`` (limits, switches, result types, lookups, markers).

Sources: the S3 Glacier developer guide pages ``api-vault-put``, ``api-vault-get``,
``api-vaults-get``, ``api-vault-delete``, ``api-multipart-initiate-upload``, ``api-upload-part``,
``api-multipart-complete-upload``, ``api-multipart-abort-upload``, ``api-multipart-list-uploads``,
``api-multipart-list-parts``, ``api-error-responses`` and ``checksum-calculations``
(``https://docs.aws.amazon.com/amazonglacier/latest/dev/<page>.html``), botocore's glacier model,
and error texts reported from real AWS (cited per message below; "inferred" marks a wording no
source shows).
"""

from __future__ import annotations

from mockmpu.glacier.listings import (
    list_multipart_uploads,
    list_parts,
)
from mockmpu.glacier.rules import (
    DEFAULT_LISTING,
    LIST_LIMIT_DEFAULT,
    MAX_PART_SIZE,
    MAX_PARTS,
    MIB,
    MIN_PART_SIZE,
    VAULT_LIST_LIMIT_DEFAULT,
    ArchiveReceipt,
    EndMarker,
    ListingBehaviour,
    PartPage,
    PartReceipt,
    UnknownMarker,
    UploadPage,
    UploadReceipt,
    VaultInfo,
    VaultPage,
    VaultReceipt,
    listing_behaviour,
    set_listing_behaviour,
)
from mockmpu.glacier.treehash import (
    combine_tree_hashes,
    tree_hash,
    zero_tree_hash,
)
from mockmpu.glacier.uploads import (
    abort_multipart_upload,
    complete_multipart_upload,
    initiate_multipart_upload,
    upload_multipart_part,
)
from mockmpu.glacier.vaults import (
    create_vault,
    delete_vault,
    describe_vault,
    list_vaults,
)

__all__ = [
    "DEFAULT_LISTING",
    "LIST_LIMIT_DEFAULT",
    "MAX_PARTS",
    "MAX_PART_SIZE",
    "MIB",
    "MIN_PART_SIZE",
    "VAULT_LIST_LIMIT_DEFAULT",
    "ArchiveReceipt",
    "EndMarker",
    "ListingBehaviour",
    "PartPage",
    "PartReceipt",
    "UnknownMarker",
    "UploadPage",
    "UploadReceipt",
    "VaultInfo",
    "VaultPage",
    "VaultReceipt",
    "abort_multipart_upload",
    "combine_tree_hashes",
    "complete_multipart_upload",
    "create_vault",
    "delete_vault",
    "describe_vault",
    "initiate_multipart_upload",
    "list_multipart_uploads",
    "list_parts",
    "list_vaults",
    "listing_behaviour",
    "set_listing_behaviour",
    "tree_hash",
    "upload_multipart_part",
    "zero_tree_hash",
]
