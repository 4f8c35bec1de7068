"""S3 REST routing: which operation a raw request names, and its ``Bucket``/``Key`` labels.

S3 identifies an operation by method, path and query (the subresource flags ``?uploads``,
``?uploadId=``, ``partNumber=``) and reads the bucket either from the host (virtual-hosted style,
``bkt.s3.us-west-2.amazonaws.com/key``) or from the first path segment (path style,
``s3.amazonaws.com/bkt/key``). Keys are percent-decoded as S3 does (``%2B`` is ``+``, and ``+``
stays ``+``: a path is not a form). Source: "Virtual hosting of buckets" and "Methods for
accessing a bucket" in the S3 user guide, and the REST request syntax of each operation in the
API reference.

:func:`route` names only the operations mockmpu serves; anything else is ``None`` here and is
named by the dispatcher from botocore's model.

Not modelled: access points, Outposts and S3 Express hosts, ``s3-object-lambda``, and the legacy
``s3-website`` endpoints.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Mapping
from urllib.parse import unquote

__all__ = ["AWS_S3_HOST", "DEFAULT_ENDPOINT_HOSTS", "route", "split_bucket"]

#: Custom endpoint hosts known without being told: ``bkt.localhost`` is bucket ``bkt``.
DEFAULT_ENDPOINT_HOSTS = ("localhost",)

_BUCKET = {"PUT": "CreateBucket", "HEAD": "HeadBucket", "DELETE": "DeleteBucket"}
_READ = {"GET": "GetObject", "HEAD": "HeadObject"}
_UPLOAD = {"GET": "ListParts", "POST": "CompleteMultipartUpload", "DELETE": "AbortMultipartUpload"}

#: An AWS S3 endpoint, with the bucket (dotted names included) in front for virtual hosting:
#: ``s3.amazonaws.com``, ``s3.eu-west-1.amazonaws.com``, ``s3-external-1.amazonaws.com``,
#: ``s3.dualstack.us-east-1.amazonaws.com``, ``bkt.s3.amazonaws.com``, ``my.bkt.s3.eu-west-1...``.
AWS_S3_HOST = re.compile(
    r"^(?:(?P<bucket>.+)\.)?s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$", re.IGNORECASE
)


def _host_name(host: str) -> str:
    if host.startswith("["):  # IPv6 literal: no bucket can be in it
        return host
    return host.rsplit(":", 1)[0] if ":" in host else host


def split_bucket(host: str, endpoint_hosts: Collection[str] = ()) -> str | None:
    """Return the bucket named in ``host`` (virtual-hosted style), or ``None`` (path style).

    ``endpoint_hosts`` are the custom endpoints in use (``minio.example``): ``bkt.minio.example``
    names bucket ``bkt``. AWS's own endpoints and ``localhost`` are always known.
    """
    hosts = endpoint_hosts if type(endpoint_hosts) is tuple else tuple(endpoint_hosts)
    return _split_bucket(host, hosts)


@functools.lru_cache(maxsize=256)
def _split_bucket(host: str, endpoint_hosts: tuple[str, ...]) -> str | None:
    # A pure function of its arguments, asked with the same few hosts on every call: cached.
    name = _host_name(host).lower()
    match = AWS_S3_HOST.match(name)
    if match is not None:
        return match.group("bucket")
    for endpoint in (*endpoint_hosts, *DEFAULT_ENDPOINT_HOSTS):
        suffix = "." + _host_name(endpoint).lower()
        if name.endswith(suffix) and len(name) > len(suffix):
            return _host_name(host)[: -len(suffix)]
    return None


def _labels(
    host: str, raw_path: str, endpoint_hosts: Collection[str]
) -> tuple[str | None, str | None]:
    bucket = split_bucket(host, endpoint_hosts)
    path = raw_path[1:] if raw_path.startswith("/") else raw_path
    if bucket is None:
        first, slash, rest = path.partition("/")
        if not first:
            return None, None
        return unquote(first), (unquote(rest) if slash and rest else None)
    return bucket, (unquote(path) if path else None)


def route(
    method: str,
    host: str,
    raw_path: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    endpoint_hosts: Collection[str] = (),
) -> tuple[str | None, dict[str, str]]:
    """Return ``(operation, labels)`` for a served S3 operation, else ``(None, labels)``.

    ``labels`` holds ``Bucket`` and ``Key`` where the request names them.
    """
    bucket, key = _labels(host, raw_path, endpoint_hosts)
    labels: dict[str, str] = {}
    if bucket is not None:
        labels["Bucket"] = bucket
    if key is not None:
        labels["Key"] = key
    if bucket is None:
        return None, labels
    subresources = {name for name in query if name != "x-id"}
    if key is None:
        if method == "GET" and "uploads" in subresources:
            return "ListMultipartUploads", labels
        if subresources:
            return None, labels
        return _BUCKET.get(method), labels
    if "uploads" in subresources:
        return ("CreateMultipartUpload" if method == "POST" else None), labels
    if "uploadId" not in subresources:
        if method in _READ and subresources <= {"partNumber"}:
            return _READ[method], labels  # versionId, response-* overrides: not served
        return None, labels
    if method == "PUT":
        if "partNumber" not in subresources or "x-amz-copy-source" in headers:
            return None, labels  # UploadPartCopy, or not an S3 request
        return "UploadPart", labels
    operation = {
        "GET": "ListParts",
        "POST": "CompleteMultipartUpload",
        "DELETE": "AbortMultipartUpload",
    }
    return operation.get(method), labels
