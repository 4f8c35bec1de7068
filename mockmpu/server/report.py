"""``mockmpu run -- CMD``: run a command against a server, then report what it did.

The command runs with ``AWS_ENDPOINT_URL`` (and ``AWS_ENDPOINT_URL_S3``,
``AWS_ENDPOINT_URL_GLACIER``) pointing at the server, dummy credentials, a region when none is
set, and ``AWS_EC2_METADATA_DISABLED=true``. Afterwards :func:`report` lists the calls it made
and, for each scenario loaded, compares the ground truth with what the command saw (the upload
ids and parts the server listed to it) or left behind (a cleaner: the uploads still in progress
against ``remaining_after_cleanup(older_than)``).
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from mockmpu.core.calls import describe_call

if TYPE_CHECKING:
    from mockmpu.core.wire import WireResponse
    from mockmpu.scenarios.base import Scenario
    from mockmpu.server import MpuServer

__all__ = ["Seen", "client_environment", "report"]

#: Up to this many calls are listed one per line; more are summarised by operation.
MAX_LISTED = 60


def client_environment(endpoint_url: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default ``os.environ``) pointed at ``endpoint_url`` with dummy credentials.

    Session tokens, profiles and ``AWS_CA_BUNDLE`` are removed (the endpoint is plain http; a CA
    bundle makes rclone refuse to start).
    """
    env = dict(os.environ if base is None else base)
    for name in (
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_CA_BUNDLE",
    ):
        env.pop(name, None)
    env.update(
        {
            "AWS_ENDPOINT_URL": endpoint_url,
            "AWS_ENDPOINT_URL_S3": endpoint_url,
            "AWS_ENDPOINT_URL_GLACIER": endpoint_url,
            "AWS_ACCESS_KEY_ID": "mockmpu",
            "AWS_SECRET_ACCESS_KEY": "mockmpu",
            "AWS_EC2_METADATA_DISABLED": "true",
            "MOCKMPU_ENDPOINT_URL": endpoint_url,
        }
    )
    env.setdefault("AWS_DEFAULT_REGION", env.get("AWS_REGION", "us-east-1"))
    return env


class Seen:
    """What the server showed clients: upload ids listed and parts listed, in order.

    Pass :meth:`observe` as ``MpuServer(observe=...)``.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.upload_ids: list[str] = []
        self.parts: list[str] = []  # S3 part numbers as text, Glacier RangeInBytes

    def observe(self, service: str, operation: str, reply: WireResponse) -> None:
        if reply.status != 200 or operation not in ("ListMultipartUploads", "ListParts"):
            return
        if service == "glacier":
            document = json.loads(reply.body)
            if operation == "ListMultipartUploads":
                ids = [u["MultipartUploadId"] for u in document.get("UploadsList") or ()]
            else:
                ids = [p["RangeInBytes"] for p in document.get("Parts") or ()]
        else:
            import xmltodict

            doc = xmltodict.parse(reply.body, force_list=("Upload", "Part"))
            root = next(iter(doc.values())) or {}
            if operation == "ListMultipartUploads":
                ids = [u["UploadId"] for u in root.get("Upload") or ()]
            else:
                ids = [p["PartNumber"] for p in root.get("Part") or ()]
        with self._lock:
            (self.upload_ids if operation == "ListMultipartUploads" else self.parts).extend(ids)


def _calls_text(server: MpuServer) -> list[str]:
    calls = list(server.calls)
    lines = [f"mockmpu: the command made {len(calls)} calls"]
    if len(calls) <= MAX_LISTED:
        for call in calls:
            lines.append(
                f"  {describe_call(call.service, call.operation, call.params)} -> "
                f"{call.status} {call.outcome}"
            )
        return lines
    counts = Counter((c.ref, c.outcome) for c in calls)
    for (ref, outcome), count in sorted(counts.items()):
        lines.append(f"  {count:6d} x {ref} -> {outcome}")
    return lines


def _compare(label: str, expected: Sequence[str], seen: Sequence[str]) -> tuple[bool, list[str]]:
    want, got = list(expected), list(dict.fromkeys(seen))
    missing = [x for x in want if x not in set(got)]
    extra = [x for x in got if x not in set(want)]
    met = not missing and not extra
    verdict = "met" if met else "NOT MET"
    lines = [f"  {label}: expected {len(want)}, got {len(got)}: {verdict}"]
    if missing:
        lines.append(
            f"    missing {len(missing)}: {', '.join(missing[:5])}"
            + (" ..." if len(missing) > 5 else "")
        )
    if extra:
        lines.append(
            f"    unexpected {len(extra)}: {', '.join(extra[:5])}"
            + (" ..." if len(extra) > 5 else "")
        )
    return met, lines


def _remaining(server: MpuServer, scenario: Scenario) -> list[str]:
    if scenario.service == "s3":
        return [u.upload_id for u in server.s3.uploads(scenario.bucket)]
    return [u.upload_id for u in server.glacier.uploads(scenario.vault)]


def _aborted(server: MpuServer, scenario: Scenario) -> bool:
    container = scenario.bucket if scenario.service == "s3" else scenario.vault
    name = "Bucket" if scenario.service == "s3" else "vaultName"
    return any(
        c.params.get(name) == container and c.error_code is None
        for c in server.calls.filter(f"{scenario.service}:AbortMultipartUpload")
    )


def _truth(
    server: MpuServer, scenario: Scenario, seen: Seen, older_than: timedelta | None
) -> tuple[bool, list[str]]:
    head = f"ground truth of scenario {scenario.name}"
    if scenario.kind.endswith("-parts"):
        if scenario.service == "s3":
            expected = [str(n) for n in scenario.part_numbers]
        else:
            expected = list(scenario.part_ranges)
        met, lines = _compare(
            f"parts of upload {scenario.upload.upload_id} listed", expected, seen.parts
        )
        return met, [head, *lines]
    if _aborted(server, scenario):
        if older_than is None:
            older_than = scenario.params.get("older_than", timedelta(0))
        assert isinstance(older_than, timedelta)
        expected = [u.upload_id for u in scenario.remaining_after_cleanup(older_than)]
        met, lines = _compare(
            f"uploads left after cleanup (older than {older_than})",
            expected,
            _remaining(server, scenario),
        )
        return met, [head, *lines]
    expected = [u.upload_id for u in scenario.expected_seen]
    met, lines = _compare("uploads listed", expected, seen.upload_ids)
    return met, [head, *lines]


def report(
    server: MpuServer, seen: Seen, *, older_than: timedelta | None = None
) -> tuple[str, bool]:
    """The calls made and each scenario's ground truth; ``True`` when every truth was met."""
    lines = _calls_text(server)
    met = True
    for scenario in server.mpu.scenarios:
        ok, more = _truth(server, scenario, seen, older_than)
        met = met and ok
        lines.extend(more)
    loops = server.faults.loops
    if loops:
        met = False
        lines.append(f"mockmpu stopped {len(loops)} listing loop(s):")
        lines.extend(f"  {message}" for message in loops)
    return "\n".join(lines), met


def options_of(args: Any) -> dict[str, Any]:
    """``MpuServer`` options from parsed ``server``/``run`` arguments (see ``cli``)."""
    from datetime import datetime

    from mockmpu.scenarios.spec import from_spec, parse_params

    options: dict[str, Any] = {}
    if args.state is not None:
        options["state"] = args.state
    else:
        options["seed"] = args.seed
        if args.clock not in (None, "wall"):
            try:
                when = datetime.fromisoformat(args.clock.replace("Z", "+00:00"))
            except ValueError:
                raise SystemExit(
                    f"mockmpu: --clock takes 'wall' or an ISO 8601 time such as "
                    f"2026-01-01T00:00:00Z, not {args.clock!r}."
                ) from None
            if when.tzinfo is None:
                raise SystemExit("mockmpu: --clock needs a time zone, e.g. 2026-01-01T00:00:00Z.")
            options["clock"] = when
    if args.scenario:
        name, *params = args.scenario
        options["scenario"] = from_spec(name, parse_params(params))
    if args.loop_guard is not None:
        options["loop_guard"] = args.loop_guard or None
    return options
