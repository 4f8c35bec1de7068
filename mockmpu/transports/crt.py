"""Keep boto3's transfers on botocore while a mock is active: no CRT transfer manager.

boto3's ``upload_file`` / ``download_file`` / ``upload_fileobj`` (``boto3.s3.transfer``) use
awscrt's own S3 client instead of botocore when awscrt is installed and either the machine is
one AWS optimizes for (``awscrt.s3.is_optimized_for_system()``: GPU and network-optimized EC2
instances) or ``TransferConfig(preferred_transfer_client="crt")`` asks for it. That client sends
its requests itself, past every botocore event, so no mock could see them: the transfer would go
to AWS. mockmpu depends on awscrt (for its checksums), so installing mockmpu is enough to turn
this path on on such machines.

:func:`install` wraps ``boto3.s3.transfer.create_crt_transfer_manager`` so that while a mock is
active it answers ``None``, which is boto3's own signal to fall back to the classic s3transfer
manager (boto3 does the same when another process holds the CRT lock). Outside a mock boto3
behaves exactly as without mockmpu.

Not modelled: the CRT transfer manager itself (its part sizes and concurrency); the AWS CLI's
``preferred_transfer_client = crt`` setting (the AWS CLI v1 builds its CRT client elsewhere).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import threading
from typing import Any

from mockmpu.core import activation as _activation

__all__ = ["install"]

_lock = threading.Lock()
_WRAPPED = "_mockmpu_wrapped"


def install() -> bool:
    """Wrap boto3's CRT transfer-manager factory once per process; True if it is wrapped.

    Does nothing (False) where boto3 is not installed, or where its transfer module has no CRT
    factory (awscrt missing, or a boto3 older than 1.33 that has no CRT transfer path).
    """
    if importlib.util.find_spec("boto3") is None:
        return False
    transfer: Any = importlib.import_module("boto3.s3.transfer")
    with _lock:
        original = getattr(transfer, "create_crt_transfer_manager", None)
        if original is None:
            return False
        if getattr(original, _WRAPPED, False):
            return True

        @functools.wraps(original)
        def create_crt_transfer_manager(client: Any, config: Any) -> Any:
            if _activation.has_active():
                return None  # boto3 falls back to the classic, botocore-based manager
            return original(client, config)

        setattr(create_crt_transfer_manager, _WRAPPED, True)
        transfer.create_crt_transfer_manager = create_crt_transfer_manager
        return True
