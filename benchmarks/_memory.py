"""Workload 7: peak resident memory, each figure from a fresh process (peak RSS is per process).

``python -m benchmarks._memory KIND N`` builds one state and prints one JSON line: the process's
peak resident set (``ru_maxrss``), how many items it got through and the seconds it took. Every
child imports boto3 and creates a client first, as a test process does, so the absolute figure
is what a test run would see; the parent also runs each child with ``N=1`` and reports the
difference as the state's own cost.

Parts go through the wire (``client.upload_part``), each body a fresh, fully written 5 MiB
``bytes`` object, so anything that keeps a reference to a body (the state, a call record)
shows up. A child stops early once its peak passes :data:`CAP_BYTES` and says so: retaining
10,000 bodies would need 50 GiB, more than the machine has.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["CAP_BYTES", "KINDS", "MemoryResult", "measure_memory"]

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
#: A child stops once its peak RSS passes this (the target is 100 MB; retention runs away).
CAP_BYTES = 1024 * MIB
KINDS = ("mockmpu-uploads", "mockmpu-parts", "moto-uploads", "moto-parts")


def _peak_rss() -> int:
    """This process's peak resident set in bytes.

    On Linux this is ``VmHWM`` from ``/proc/self/status``: ``ru_maxrss`` is not reset by
    ``exec``, so a child forked from a big parent would report the parent's peak. Elsewhere
    ``ru_maxrss`` (KiB on Linux, bytes on macOS) is all there is.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def _environment() -> None:
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )


def _child(kind: str, n: int, part_size: int) -> dict[str, Any]:
    _environment()
    if kind.startswith("moto"):
        import moto  # noqa: F401  (before any session: moto's handler joins botocore's builtins)
    import boto3

    client = boto3.session.Session().client("s3", region_name="us-east-1")
    done = 0
    capped = False
    start = time.perf_counter()
    if kind.startswith("mockmpu"):
        from mockmpu import mock_mpu

        mock: Any = mock_mpu()
    else:
        from moto import mock_aws

        mock = mock_aws()
    with mock:
        client.create_bucket(Bucket="bench-memory")
        if kind == "mockmpu-uploads":
            for i in range(n):
                mock.s3.create_multipart_upload("bench-memory", f"data/{i:07d}.bin")
                done += 1
        elif kind == "moto-uploads":
            from benchmarks._moto import create_uploads

            done = len(create_uploads("bench-memory", (f"data/{i:07d}.bin" for i in range(n))))
        else:
            upload_id = client.create_multipart_upload(Bucket="bench-memory", Key="big.bin")[
                "UploadId"
            ]
            for i in range(n):
                body = bytes((i % 251,)) * part_size  # fresh and written: resident
                client.upload_part(
                    Bucket="bench-memory",
                    Key="big.bin",
                    UploadId=upload_id,
                    PartNumber=i + 1,
                    Body=body,
                )
                del body
                done += 1
                if _peak_rss() > CAP_BYTES:
                    capped = True
                    break
    return {
        "kind": kind,
        "n": n,
        "done": done,
        "capped": capped,
        "peak_rss": _peak_rss(),
        "seconds": time.perf_counter() - start,
    }


@dataclass
class MemoryResult:
    key: str
    title: str
    kind: str
    n: int
    peak: dict[str, Any] | None
    baseline: dict[str, Any] | None
    error: str | None = None
    target_bytes: int | None = None

    @property
    def delta(self) -> int | None:
        if self.peak is None or self.baseline is None:
            return None
        return int(self.peak["peak_rss"] - self.baseline["peak_rss"])

    @property
    def met(self) -> bool | None:
        if self.target_bytes is None or self.peak is None:
            return None
        return not self.peak["capped"] and self.peak["peak_rss"] < self.target_bytes


def _run_child(kind: str, n: int, part_size: int) -> tuple[dict[str, Any] | None, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks._memory", kind, str(n), str(part_size)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["no output"]
        return None, f"child failed ({proc.returncode}): {tail[0]}"
    return json.loads(proc.stdout.strip().splitlines()[-1]), ""


def measure_memory(
    specs: list[tuple[str, str, str, int, int | None]], part_size: int, workers: int = 2
) -> list[MemoryResult]:
    """Run each ``(key, title, kind, n, target_bytes)`` and its ``n=1`` baseline.

    Children run ``workers`` at a time (peak RSS is per process, so they do not disturb one
    another's figure); this phase runs after every timing phase.
    """
    jobs = [(kind, n) for _, _, kind, n, _ in specs] + [(kind, 1) for _, _, kind, _, _ in specs]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = dict(
            zip(jobs, pool.map(lambda job: _run_child(job[0], job[1], part_size), jobs))
        )
    results = []
    for key, title, kind, n, target in specs:
        peak, error = outcomes[(kind, n)]
        base, base_error = outcomes[(kind, 1)]
        results.append(
            MemoryResult(key, title, kind, n, peak, base, error or base_error or None, target)
        )
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    kind_arg, n_arg, size_arg = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if kind_arg not in KINDS:
        raise SystemExit(f"unknown kind {kind_arg!r}; one of {', '.join(KINDS)}")
    print(json.dumps(_child(kind_arg, n_arg, size_arg)))
