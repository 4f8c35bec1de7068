"""Workload 8 (issue 11): mockmpu's HTTP server against moto's threaded server.

One boto3 client per server, over real HTTP on 127.0.0.1, lists a page of 1,000 in-progress
uploads (``ListMultipartUploads``, ``MaxUploads=1000``) from a bucket holding that many. Both
servers are werkzeug's threaded server in this process, so the figure compares what each does
per request. The two runners interleave round by round; the target is a paired ratio.
"""

from __future__ import annotations

import socket
from typing import Any, Callable

from benchmarks._timing import Case, Runner, Target

BUCKET = "bench-server"


def _client(endpoint: str) -> Any:
    import boto3

    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_cases(key: str, uploads: int, *, moto: bool) -> tuple[list[Case], Callable[[], None]]:
    """The case, and a function that stops both servers (call it after measuring)."""
    from mockmpu.server import MpuServer

    mpu = MpuServer().start()
    mpu.s3.create_bucket(BUCKET)
    for n in range(uploads):
        mpu.s3.create_multipart_upload(BUCKET, f"logs/{n:06d}.gz")
    ours = _client(mpu.endpoint_url)
    runners = [
        Runner(
            "mockmpu server",
            lambda: ours.list_multipart_uploads(Bucket=BUCKET, MaxUploads=uploads),
        )
    ]
    stops: list[Callable[[], None]] = [mpu.stop]
    targets: list[Target] = []
    if moto:
        try:
            from moto.server import ThreadedMotoServer
        except ImportError:  # moto without its [server] extra (flask)
            moto = False
    if moto:
        import logging

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs each request
        port = _free_port()
        moto_server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        moto_server.start()
        stops.append(moto_server.stop)
        theirs = _client(f"http://127.0.0.1:{port}")
        theirs.create_bucket(Bucket=BUCKET)
        for n in range(uploads):
            theirs.create_multipart_upload(Bucket=BUCKET, Key=f"logs/{n:06d}.gz")
        runners.append(
            Runner(
                "moto server",
                lambda: theirs.list_multipart_uploads(Bucket=BUCKET, MaxUploads=uploads),
            )
        )
        targets.append(
            Target(
                "mockmpu's server >= 3x faster than moto's (ratio <= 0.33)",
                "mockmpu server",
                "moto server",
                1 / 3,
                source="issue 11",
            )
        )

    def verify() -> None:
        page = ours.list_multipart_uploads(Bucket=BUCKET, MaxUploads=uploads)
        assert len(page["Uploads"]) == uploads, "mockmpu's server listed the wrong page"

    case = Case(
        key,
        "Server",
        f"ListMultipartUploads over HTTP, page of {uploads:,} (boto3 client)",
        runners,
        baseline="moto server" if moto else None,
        targets=targets,
        verify=verify,
        notes=[
            "both are werkzeug threaded servers in the benchmark's process, reached by boto3 "
            "over 127.0.0.1 (one TCP connection per request: werkzeug closes each)",
        ],
    )

    # The same page fetched with http.client (no botocore parsing): the servers' own work.
    raw_runners = [Runner("mockmpu server", _raw_get(mpu.port, uploads))]
    if moto:
        raw_runners.append(Runner("moto server", _raw_get(port, uploads)))
    raw = Case(
        key + "b",
        "Server",
        f"the same page over raw HTTP (http.client, no parsing), {uploads:,} uploads",
        raw_runners,
        baseline="moto server" if moto else None,
        notes=["what each server itself takes: boto3's parsing of the page is left out"],
    )

    def stop() -> None:
        for halt in stops:
            halt()

    return [case, raw], stop


def _raw_get(port: int, uploads: int) -> Callable[[], object]:
    import http.client

    def call() -> bytes:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("GET", f"/{BUCKET}?uploads&max-uploads={uploads}")
            return conn.getresponse().read()
        finally:
            conn.close()

    return call
