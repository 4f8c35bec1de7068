"""Run mockmpu's benchmark (issue 5 §1) and print the results as Markdown tables.

    python3 tasks.py bench            # the whole benchmark, a few minutes
    python3 tasks.py bench --smoke    # every code path on tiny sizes, seconds (CI)
    python -m benchmarks.run --help   # inside .venv: --only, --no-moto, --markdown, ...

Every mockmpu figure is a ratio to the floor measured in the same process and the same rounds:
a plain botocore client whose ``before-send`` returns the bytes mockmpu rendered for the same
call. moto runs in the same rounds where it supports the operation. See ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Callable

if __package__ in (None, ""):  # run as a script: python benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent


def _environment() -> None:
    # The benchmark's own process: dummy credentials (the floor signs, as a real client does),
    # no config files, no metadata-service lookups, nothing leaves the machine.
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_DEFAULT_REGION="us-east-1",
    )


def _moto_available() -> bool:
    try:
        import moto  # noqa: F401  (imported first: every later session gets moto's handler)
    except ImportError:
        return False
    return True


def _import_seconds(statement: str) -> float:
    code = (
        "import time\n"
        "start = time.perf_counter()\n"
        f"{statement}\n"
        "print(repr(time.perf_counter() - start))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, a few rounds: seconds")
    parser.add_argument("--no-moto", action="store_true", help="leave moto out")
    parser.add_argument("--no-memory", action="store_true", help="skip workload 7 (subprocesses)")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile breakdowns")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated case-key prefixes, e.g. '1a,2,5b,7d' (profiles run with 'P', "
        "memory with '7' or one of its cases)",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every time budget")
    parser.add_argument("--markdown", type=Path, help="also write the report to this file")
    parser.add_argument(
        "--aio", action="store_true", help="only the aiobotocore row (python3 tasks.py bench-async)"
    )
    args = parser.parse_args(argv)

    _environment()
    from benchmarks import _report
    from benchmarks._memory import MemorySpec, measure_memory
    from benchmarks._profiling import Breakdown, profile_call
    from benchmarks._timing import Case, CaseResult, Runner, Target, measure
    from benchmarks._workloads import CODEC_ALONE, FULL, SMOKE, UNSIGNED_FLOOR, Bench

    sizes = SMOKE if args.smoke else FULL
    moto = not args.no_moto and _moto_available()
    wanted = [p.strip() for p in args.only.split(",") if p.strip()]

    def selected(key: str) -> bool:
        return not wanted or any(key.startswith(p) for p in wanted)

    def group_selected(group: str) -> bool:
        # A group ("5", "7") runs when it or one of its cases ("5b", "7d") is asked for.
        return not wanted or any(group.startswith(p) or p.startswith(group) for p in wanted)

    started = time.perf_counter()
    log: Callable[[str], None] = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    if args.aio:  # the aiobotocore row, in the async environment (benchmarks/_aio.py)
        from benchmarks._aio import aio_cases

        results, close = aio_cases(args.smoke, args.scale, log)
        close()
        head = _report.header(
            smoke=args.smoke,
            moto=False,
            elapsed=time.perf_counter() - started,
            machine=f"{platform.machine()}, {os.cpu_count()} CPUs",
            today=date.today().isoformat(),
        )
        text = _report.render(head, results, [], [])
        print(text)
        if args.markdown is not None:
            args.markdown.write_text(text)
        return 0
    log(f"mockmpu benchmark ({'smoke' if args.smoke else 'full'}; moto {'on' if moto else 'off'})")
    t0 = time.perf_counter()
    bench = Bench(sizes, moto=moto)
    # The arranged states live for the whole run: move them out of the collector's sight, so
    # collections between rounds do not walk 100,000 uploads (timed calls run with gc disabled).
    gc.collect()
    gc.freeze()
    log(
        f"  arranged mockmpu{' and moto' if moto else ''} state in {time.perf_counter() - t0:.1f} s"
    )

    s = sizes
    plan: list[tuple[str, Callable[[], list[Case]]]] = [
        ("1a", lambda: [bench.list_uploads_case("1a", s.small_bucket, s.big_page, target=1.10)]),
        ("1b", lambda: [bench.list_uploads_case("1b", s.small_bucket, s.small_page, target=1.15)]),
        ("1c", lambda: [bench.list_uploads_case("1c", s.big_bucket, s.small_page, target=1.15)]),
        ("1d", lambda: [bench.size_independence_case("1d")]),
        ("1e", lambda: [bench.paginate_case("1e", s.mid_bucket)]),
        ("1f", lambda: [bench.paginate_case("1f", s.big_bucket)]),
        ("2a", lambda: [bench.list_parts_case("2a", many=True, target=1.10)]),
        ("2b", lambda: [bench.list_parts_case("2b", many=False, target=1.15)]),
        ("3a", lambda: [bench.glacier_case("3a", "ListMultipartUploads")]),
        ("3b", lambda: [bench.glacier_case("3b", "ListParts")]),
        ("4a", lambda: [bench.create_case("4a")]),
        ("4b", lambda: [bench.upload_part_case("4b")]),
        ("4c", lambda: [bench.complete_case("4c")]),
        ("5", lambda: bench.build_cases("5")),
    ]
    results: list[CaseResult] = []
    for key, factory in plan:
        if not group_selected(key):
            continue
        for case in factory():
            if selected(case.key):
                results.append(measure(case, scale=s.budget_scale * args.scale, log=log))
    if selected("8"):  # issue 11: mockmpu's HTTP server against moto's threaded server
        from benchmarks._server import server_cases

        server_cases_, stop_servers = server_cases("8", s.big_page, moto=moto)
        try:
            for case in server_cases_:
                results.append(measure(case, scale=s.budget_scale * args.scale, log=log))
        finally:
            stop_servers()

    # Profiles of mockmpu's side (before moto's state is dropped; they use only mockmpu).
    profiles: list[Breakdown] = []
    if not args.no_profile and selected("P"):
        log("  profiling mockmpu's calls")
        big = bench.buckets[s.small_bucket]
        profiled = [
            (
                "1a",
                f"ListMultipartUploads, page of {s.big_page:,}",
                lambda: bench.s3.list_multipart_uploads(Bucket=big, MaxUploads=s.big_page),
                10 if not args.smoke else 1,
            ),
            (
                "2a",
                f"ListParts, {s.many_parts:,} parts",
                lambda: bench.s3.list_parts(
                    Bucket="bench-parts", Key="many.bin", UploadId=bench.many.upload_id
                ),
                10 if not args.smoke else 1,
            ),
            (
                "1b",
                f"ListMultipartUploads, page of {s.small_page}",
                lambda: bench.s3.list_multipart_uploads(Bucket=big, MaxUploads=s.small_page),
                300 if not args.smoke else 3,
            ),
            (
                "3a",
                f"Glacier ListMultipartUploads, limit {s.glacier_limit}",
                lambda: bench.glacier.list_multipart_uploads(
                    vaultName="bench-vault", limit=str(s.glacier_limit)
                ),
                300 if not args.smoke else 3,
            ),
            (
                "4b",
                f"UploadPart, {s.part_body // (1024 * 1024)} MiB body",
                lambda: bench.s3.upload_part(
                    Bucket="bench-life",
                    Key="target.bin",
                    UploadId=bench.target.upload_id,
                    PartNumber=1,
                    Body=bench.body,
                ),
                20 if not args.smoke else 1,
            ),
        ]
        by_key = {r.case.key: r for r in results}
        for key, title, call, calls in profiled:
            breakdown = profile_call(
                title, call, calls=calls, enter=bench.mpu_enter, exit=bench.mpu_exit
            )
            timed = by_key.get(key)
            if timed is not None and {UNSIGNED_FLOOR, "mockmpu", CODEC_ALONE} <= set(timed.samples):
                breakdown.case_key = key
                breakdown.floor = timed.samples[UNSIGNED_FLOOR].median
                breakdown.mockmpu = timed.samples["mockmpu"].median
                breakdown.handler_alone = timed.samples[CODEC_ALONE].median
            profiles.append(breakdown)

    # Workload 6: activation, client creation, import. moto's state goes first (mock_aws resets).
    if bench.moto is not None:
        bench.moto.drop()
    if selected("6"):
        for case in bench.activation_cases("6"):
            results.append(measure(case, scale=s.budget_scale * args.scale, log=log))
        import_runners = [
            Runner("mockmpu", lambda: _import_seconds("import mockmpu"), self_timed=True),
            Runner(
                "mockmpu: from mockmpu import mock_mpu",
                lambda: _import_seconds("from mockmpu import mock_mpu"),
                self_timed=True,
            ),
            Runner(
                "python: import typing (reference)",
                lambda: _import_seconds("import typing"),
                self_timed=True,
            ),
        ]
        if moto:
            import_runners.append(
                Runner(
                    "moto", lambda: _import_seconds("from moto import mock_aws"), self_timed=True
                )
            )
        import_case = Case(
            "6d",
            "Activation",
            "import, in a fresh interpreter",
            import_runners,
            baseline="moto" if moto else None,
            budget=0.0,
            min_rounds=s.import_rounds,
            targets=[Target("≤ 25 ms", "mockmpu", None, 0.025, source="issue 13")],
            notes=[
                "'import mockmpu' imports no botocore; the pytest plugin imports it in every run",
                "each figure times the import statement alone in a fresh interpreter "
                "(python -c); mockmpu's public names load on first use, so 'from mockmpu import "
                "mock_mpu' is what a test pays; 'import typing' shows the machine's speed",
            ],
        )
        results.append(measure(import_case, log=log))

    memory = []
    if not args.no_memory and group_selected("7"):
        log("  measuring peak memory in fresh processes")
        parts = f"{s.memory_parts:,} uploaded {s.part_body // (1024 * 1024)} MiB parts"
        uploads = f"{s.memory_uploads:,} uploads"
        transfer = f"{s.transfer_parts} parts of 5 MiB"
        specs: list[MemorySpec] = [
            ("7a", f"{uploads} (mpu.s3 view)", "mockmpu-uploads", s.memory_uploads, None, ""),
            (
                "7b",
                f"{parts} (client.upload_part, bodies kept: the default)",
                "mockmpu-parts",
                s.memory_parts,
                150_000_000,
                "issue 10",
            ),
        ]
        if moto:
            # moto's parts are not measured: it keeps every body, past its 16 MiB key buffer in
            # temporary files, so 10,000 parts write 50 GiB to disk (over 5 minutes here).
            specs.append(
                ("7c", f"{uploads} (its backend)", "moto-uploads", s.memory_uploads, None, "")
            )
        specs += [
            (
                "7d",
                f"s3transfer upload_file, {transfer}, 10 threads and 1",
                "mockmpu-s3transfer",
                s.transfer_parts,
                120_000_000,
                "issue 13",
            ),
            (
                "7e",
                f"scenarios.many_uploads({s.million_uploads:,}) under tracemalloc",
                "scenario-bytes",
                s.million_uploads,
                None,
                "issue 13",
            ),
        ]
        memory = measure_memory([spec for spec in specs if selected(spec[0])], s.part_body)

    elapsed = time.perf_counter() - started
    header = _report.header(
        smoke=args.smoke,
        moto=moto,
        elapsed=elapsed,
        machine=f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_implementation()} "
        f"{platform.python_version()}",
        today=date.today().isoformat(),
    )
    text = _report.render(header, results, profiles, memory)
    print(text)
    if args.markdown is not None:
        args.markdown.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
