"""Glacier REST routing: which operation a raw request names, by method and path.

Glacier's operations live under ``/{accountId}/vaults``; the vault and multipart paths mockmpu
serves are (API reference, "Vault Operations" and "Multipart Upload Operations"):

- ``GET /{accountId}/vaults``: ListVaults;
- ``PUT | GET | DELETE /{accountId}/vaults/{vaultName}``: CreateVault, DescribeVault, DeleteVault;
- ``POST | GET /{accountId}/vaults/{vaultName}/multipart-uploads``: InitiateMultipartUpload,
  ListMultipartUploads;
- ``PUT | POST | DELETE | GET .../multipart-uploads/{uploadId}``: UploadMultipartPart,
  CompleteMultipartUpload, AbortMultipartUpload, ListParts.

Each path segment is percent-decoded on its own, so an encoded ``/`` stays inside its label.
Anything else is ``None`` here and is named by the dispatcher from botocore's model.
"""

from __future__ import annotations

from urllib.parse import unquote

__all__ = ["route"]

_VAULT = {"PUT": "CreateVault", "GET": "DescribeVault", "DELETE": "DeleteVault"}
_UPLOADS = {"POST": "InitiateMultipartUpload", "GET": "ListMultipartUploads"}
_UPLOAD = {
    "PUT": "UploadMultipartPart",
    "POST": "CompleteMultipartUpload",
    "DELETE": "AbortMultipartUpload",
    "GET": "ListParts",
}
_LABELS = ("accountId", "", "vaultName", "", "uploadId")


def route(method: str, raw_path: str) -> tuple[str | None, dict[str, str]]:
    """Return ``(operation, labels)`` for a served Glacier operation, else ``(None, labels)``.

    ``labels`` holds ``accountId``, ``vaultName`` and ``uploadId`` where the path names them.
    """
    segments = raw_path.strip("/").split("/") if raw_path.strip("/") else []
    labels = {
        name: unquote(segment)
        for name, segment in zip(_LABELS, segments)
        if name  # the literal segments "vaults" and "multipart-uploads" are not labels
    }
    if len(segments) < 2 or segments[1] != "vaults" or len(segments) > 5:
        return None, labels
    if len(segments) == 2:
        return ("ListVaults" if method == "GET" else None), labels
    if len(segments) == 3:
        return _VAULT.get(method), labels
    if segments[3] != "multipart-uploads":
        return None, labels
    if len(segments) == 4:
        return _UPLOADS.get(method), labels
    return _UPLOAD.get(method), labels
