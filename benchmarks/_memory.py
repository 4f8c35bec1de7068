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

Two more kinds (issue 13):

- ``mockmpu-s3transfer``: ``client.upload_file`` of an ``N``-part file (5 MiB parts) through
  s3transfer, alternately with 10 threads and with one, ``TRANSFER_ROUNDS`` times each; it
  reports the peak RSS and each upload's throughput, so the 10-thread/1-thread ratio is paired.
  The file is on disk, so its bytes are not resident unless something keeps them.
- ``scenario-bytes``: ``scenarios.many_uploads(N)`` loaded into a fresh state under
  ``tracemalloc``: the bytes Python holds for it (keys, records, indexes), per upload.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

__all__ = ["CAP_BYTES", "KINDS", "MemoryResult", "MemorySpec", "measure_memory"]

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
PART_MIB = 5
#: A child stops once its peak RSS passes this (the target is 100 MB; retention runs away).
CAP_BYTES = 1024 * MIB
KINDS = (
    "mockmpu-uploads",
    "mockmpu-parts",
    "moto-uploads",
    "moto-parts",
    "mockmpu-s3transfer",
    "scenario-bytes",
)
#: Uploads of each thread count in a ``mockmpu-s3transfer`` child (alternating).
TRANSFER_ROUNDS = 3


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


def _scenario_bytes(n: int) -> dict[str, Any]:
    import gc
    import tracemalloc

    from mockmpu import scenarios
    from mockmpu.core.state import MpuState

    state = MpuState(seed=0)
    gc.collect()
    rss_before = _current_rss()
    tracemalloc.start()
    start = time.perf_counter()
    loaded = scenarios.many_uploads(n, bucket="bench-bytes").load(state)
    seconds = time.perf_counter() - start
    traced, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(loaded.upload_ids) == n
    return {
        "kind": "scenario-bytes",
        "n": n,
        "done": n,
        "capped": False,
        "peak_rss": _peak_rss(),
        "seconds": seconds,
        "traced_bytes": traced,
        "rss_growth": _current_rss() - rss_before,
    }


def _current_rss() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _s3transfer(client: Any, n: int, part_size: int) -> dict[str, Any]:
    import tempfile

    from boto3.s3.transfer import TransferConfig

    from mockmpu import mock_mpu

    rates: dict[str, list[float]] = {"10": [], "1": []}
    with tempfile.NamedTemporaryFile(suffix=".bin") as source, mock_mpu():
        block = bytes(range(256)) * (part_size // 256)
        for _ in range(n):
            source.write(block)
        source.flush()
        del block
        size = n * part_size
        client.create_bucket(Bucket="bench-transfer")
        start = time.perf_counter()
        for i in range(TRANSFER_ROUNDS if n > 1 else 1):
            for threads in ("10", "1") if i % 2 == 0 else ("1", "10"):
                config = TransferConfig(
                    multipart_threshold=part_size,
                    multipart_chunksize=part_size,
                    max_concurrency=int(threads),
                    use_threads=threads != "1",
                )
                began = time.perf_counter()
                client.upload_file(source.name, "bench-transfer", f"t{threads}.bin", Config=config)
                rates[threads].append(size / (time.perf_counter() - began))
    return {
        "kind": "mockmpu-s3transfer",
        "n": n,
        "done": n,
        "capped": False,
        "peak_rss": _peak_rss(),
        "seconds": time.perf_counter() - start,
        "rate_10": rates["10"],
        "rate_1": rates["1"],
    }


def _child(kind: str, n: int, part_size: int) -> dict[str, Any]:
    _environment()
    if kind == "scenario-bytes":
        return _scenario_bytes(n)
    if kind.startswith("moto"):
        import moto  # noqa: F401  (before any session: moto's handler joins botocore's builtins)
    import boto3

    client = boto3.session.Session().client("s3", region_name="us-east-1")
    if kind == "mockmpu-s3transfer":
        return _s3transfer(client, n, part_size)
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
    #: peak RSS target (bytes), the issue it comes from.
    target_bytes: int | None = None
    source: str = "issue 5"

    @property
    def delta(self) -> int | None:
        if self.peak is None or self.baseline is None:
            return None
        return int(self.peak["peak_rss"] - self.baseline["peak_rss"])

    @property
    def met(self) -> bool | None:
        if self.target_bytes is None or self.peak is None:
            return None
        return not self.peak["capped"] and self.peak["peak_rss"] <= self.target_bytes

    def transfer_ratio(self) -> tuple[float, float, float] | None:
        """10-thread over 1-thread throughput: the median of paired ratios, min, max."""
        if self.peak is None or "rate_10" not in self.peak:
            return None
        pairs = sorted(a / b for a, b in zip(self.peak["rate_10"], self.peak["rate_1"]))
        if not pairs:
            return None
        return statistics.median(pairs), pairs[0], pairs[-1]

    def bytes_per_upload(self) -> float | None:
        if self.peak is None or "traced_bytes" not in self.peak:
            return None
        return float(self.peak["traced_bytes"]) / max(1, self.n)

    def note(self) -> str:
        """The figures a kind reports besides peak RSS."""
        p = self.peak or {}
        if "rate_10" in p:
            r10 = statistics.median(p["rate_10"]) / 1e6
            r1 = statistics.median(p["rate_1"]) / 1e6
            return (
                f"{self.n * PART_MIB} MiB file, 5 MiB parts: 10 threads {r10:.0f} MB/s, "
                f"1 thread {r1:.0f} MB/s (medians of {len(p['rate_10'])})"
            )
        if "traced_bytes" in p:
            return (
                f"tracemalloc: {p['traced_bytes'] / self.n:.0f} B per upload; RSS grew "
                f"{p['rss_growth'] / self.n:.0f} B per upload; built in {p['seconds']:.2f} s"
            )
        return ""

    def target_rows(self) -> list[str]:
        """Rows of the targets table (``| case | target | from | measured | met |``)."""
        rows = []
        head = f"| {self.key} {self.title}"
        if self.kind == "mockmpu-s3transfer":
            ratio = self.transfer_ratio()
            measured, met = (
                (self.error or "failed", "—")
                if ratio is None
                else (
                    f"{ratio[0]:.2f}x [{ratio[1]:.2f} to {ratio[2]:.2f}]",
                    "yes" if ratio[0] >= 1.6 else "**no**",
                )
            )
            rows.append(f"{head} | 10 threads ≥ 1.6x one thread | issue 13 | {measured} | {met} |")
        if self.kind == "scenario-bytes":
            per = self.bytes_per_upload()
            measured, met = (
                (self.error or "failed", "—")
                if per is None
                else (f"{per:.0f} B per upload", "yes" if per <= 400 else "**no**")
            )
            rows.append(f"{head} | ≤ 400 B per upload | issue 13 | {measured} | {met} |")
        if self.target_bytes is not None:
            if self.peak is None:
                measured, met = self.error or "failed", "—"
            else:
                measured = f"{self.peak['peak_rss'] / 1e6:.0f} MB peak RSS"
                if self.peak["capped"]:
                    measured += f", stopped after {self.peak['done']:,} of {self.n:,} parts"
                met = "yes" if self.met else "**no**"
            rows.append(
                f"{head} | ≤ {self.target_bytes / 1e6:.0f} MB peak RSS | {self.source} | "
                f"{measured} | {met} |"
            )
        return rows


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


MemorySpec = tuple[str, str, str, int, Optional[int], str]


def measure_memory(specs: list[MemorySpec], part_size: int, workers: int = 2) -> list[MemoryResult]:
    """Run each ``(key, title, kind, n, target_bytes, source)`` and its ``n=1`` baseline.

    Children run ``workers`` at a time (peak RSS is per process, so they do not disturb one
    another's figure); this phase runs after every timing phase.
    """
    jobs = [(s[2], s[3]) for s in specs] + [(s[2], 1) for s in specs]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = dict(
            zip(jobs, pool.map(lambda job: _run_child(job[0], job[1], part_size), jobs))
        )
    results = []
    for key, title, kind, n, target, source in specs:
        peak, error = outcomes[(kind, n)]
        base, base_error = outcomes[(kind, 1)]
        results.append(
            MemoryResult(
                key, title, kind, n, peak, base, error or base_error or None, target, source
            )
        )
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    kind_arg, n_arg, size_arg = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if kind_arg not in KINDS:
        raise SystemExit(f"unknown kind {kind_arg!r}; one of {', '.join(KINDS)}")
    print(json.dumps(_child(kind_arg, n_arg, size_arg)))
