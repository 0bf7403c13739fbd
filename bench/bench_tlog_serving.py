"""Benchmark: serving a campaign's log as C2SP tiles, recounting it with the CLI, and the extra
cost of witnessing each checkpoint.

    .venv/bin/python bench/bench_tlog_serving.py [--entries 65536] [--seconds 10] [--workers 2]

In a throwaway data directory (SQLite), it creates a campaign whose log holds ``--entries``
version 1 entries (rows written directly, as the append service writes them), signs a C2SP
checkpoint and writes the full tiles to the tile storage, then:

1. tile serving: `groundswell serve` (gunicorn, ``--workers``) answers wrk
   (``wrk -t2 -c16 -d<seconds>s``) for a full hash tile (read from the tile storage, immutable),
   a partial tile (computed from the database) and the checkpoint; requests/s and p99 latency;
2. `groundswell verify recount <URL>`: the whole log downloaded over HTTP and recounted, wall
   time and the child's peak RSS;
3. witnessing: ``--checkpoints`` successive checkpoints, each after ``--grow`` more entries:
   the time to sign one, and the time to have it cosigned by a `groundswell witness serve` on
   loopback (consistency proof from the database, HTTP round trip, the witness's checks, SQLite
   write), measured through the same service the worker runs (signed_checkpoint_witness).

The 1,000,000-entry recount from a local mirror is bench/bench_tlog_recount.py. Not part of the
test suite; ``--entries 2000 --seconds 2 --checkpoints 3`` is a quick smoke run.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=65_536)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--checkpoints", type=int, default=20)
    parser.add_argument("--grow", type=int, default=1000)
    parser.add_argument("--child", choices=["setup", "witness", "recount"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--vkey", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        return child(arguments)
    data_dir = Path(tempfile.mkdtemp(prefix="groundswell-tlog-serving-"))
    environment = {
        **os.environ,
        "GROUNDSWELL_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'bench.sqlite3'}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "x" * 50,
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "dummy://",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRANSPARENCY_ORIGIN_HOST": "bench.example.org",
        "PUBLIC_PAGE_CACHE_SECONDS": "0",
    }
    environment.pop("REDIS_URL", None)
    environment.pop("CELERY_BROKER_URL", None)
    groundswell = [sys.executable, "-m", "groundswell"]
    server = None
    try:
        subprocess.run([*groundswell, "migrate", "-v", "0"], env=environment, check=True)
        setup = subprocess.run(
            [sys.executable, __file__, "--child", "setup", "--entries", str(arguments.entries)],
            env=environment, check=True, capture_output=True, text=True,
        )  # fmt: skip
        print(setup.stdout, end="")
        slug, vkey = re.findall(r"^slug (\S+) vkey (\S+)$", setup.stdout, re.M)[0]
        port = 8765
        server = subprocess.Popen(
            [*groundswell, "serve", "--bind", f"127.0.0.1:{port}", "--workers",
             str(arguments.workers)],
            env=environment, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}/p/{slug}/log"
        _wait_for(f"{base}/checkpoint")
        full = f"{base}/tile/0/000"
        partial_width = arguments.entries % 256 or 1
        partial = f"{base}/tile/0/{_index_path(arguments.entries // 256)}.p/{partial_width}"
        # /healthz (no database) is the baseline: what the server does for any request.
        for name, url in [("healthz_baseline", f"http://127.0.0.1:{port}/healthz"),
                          ("full_tile", full), ("partial_tile", partial),
                          ("checkpoint", f"{base}/checkpoint")]:  # fmt: skip
            print(_wrk(name, url, arguments.seconds))
        started = time.perf_counter()
        recount = subprocess.run(
            [sys.executable, __file__, "--child", "recount", "--url", base, "--vkey", vkey],
            env=environment, check=False, capture_output=True, text=True,
        )  # fmt: skip
        print(
            f"tlog.http_recount_wall_s {time.perf_counter() - started:.2f} {recount.stdout.strip()}"
        )
        if recount.returncode:
            print(recount.stderr, file=sys.stderr)
            return 1
        witness = subprocess.run(
            [sys.executable, __file__, "--child", "witness", "--checkpoints",
             str(arguments.checkpoints), "--grow", str(arguments.grow)],
            env=environment, check=False, capture_output=True, text=True,
        )  # fmt: skip
        print(witness.stdout, end="")
        if witness.returncode:
            print(witness.stderr, file=sys.stderr)
            return 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


def _index_path(index: int) -> str:
    from groundswell.transparency.tlog_tiles import Tile

    return Tile(0, index, 256).path.removeprefix("tile/0/")


def _wait_for(url: str) -> None:
    import urllib.request

    for _ in range(100):
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server never answered {url}")


def _wrk(name: str, url: str, seconds: int) -> str:
    if shutil.which("wrk") is None:
        return f"tlog.serve_{name} skipped: wrk is not installed"
    completed = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", url],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    rate = re.search(r"Requests/sec:\s+([\d.]+)", completed.stdout)
    p99 = re.search(r"99%\s+(\S+)", completed.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", completed.stdout)
    return (
        f"tlog.serve_{name}_rps {float(rate.group(1)) if rate else 0:.0f} "
        f"(p99 {p99.group(1) if p99 else '?'}, non-2xx {errors.group(1) if errors else 0})"
    )


def child(arguments: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.config.settings")
    if arguments.child == "recount":
        return _recount(arguments.url, arguments.vkey)
    import django

    django.setup()
    if arguments.child == "setup":
        return _setup(arguments.entries)
    return _witness(arguments.checkpoints, arguments.grow)


def _recount(url: str, vkey: str) -> int:
    from groundswell.transparency.verify_cli import main as verify

    status = verify(["recount", url, "--key", vkey])
    print(f"(peak RSS {_peak_rss_mb():.0f} MB)")
    return status


def _grow(campaign_id: int, count: int) -> None:
    """Append ``count`` signature entries (both trees, as the append service does)."""
    import hashlib

    from django.db import transaction
    from django.utils import timezone

    from groundswell.transparency.log_entries import SignatureEntry
    from groundswell.transparency.log_store import NodeAppender, rows_insert
    from groundswell.transparency.merkle import leaf_hash
    from groundswell.transparency.models import EntryNode, LogEntry, LogHead

    with transaction.atomic():
        head = LogHead.objects.select_for_update().get(pk=campaign_id)
        old = NodeAppender.load(campaign_id=campaign_id, size=head.size)
        new = NodeAppender.load(campaign_id=campaign_id, size=head.size, model=EntryNode)
        now = timezone.now()
        rows = []
        for _ in range(count):
            index = new.size
            commitment = hashlib.sha256(f"bench {index}".encode()).digest()
            entry = SignatureEntry(commitment).to_bytes()
            old.append(leaf_hash(commitment))
            new.append(leaf_hash(entry))
            rows.append((campaign_id, index, "signature", leaf_hash(commitment), now,
                         f"p{index}", bytes(16), now, "", entry))  # fmt: skip
        rows_insert(
            LogEntry,
            ["campaign", "index", "kind", "leaf_hash", "appended_at", "public_id", "salt",
             "confirmed_at", "reason", "entry"],
            rows,
        )  # fmt: skip
        old.save()
        new.save()
        LogHead.objects.filter(pk=campaign_id).update(
            size=new.size, live_count=head.live_count + count
        )


def _setup(entries: int) -> int:
    from groundswell.accounts.models import Organization
    from groundswell.campaigns.models import Campaign, CampaignStatus
    from groundswell.campaigns.services import campaign_create
    from groundswell.transparency.models import LogHead
    from groundswell.transparency.note_keys import log_signer
    from groundswell.transparency.services.signed_checkpoints import signed_checkpoint_create
    from groundswell.transparency.services.tiles import log_tiles_write

    organization = Organization.objects.create(name="Bench", slug="bench")
    campaign = campaign_create(
        organization=organization,
        data={"slug": "a-log", "title": "A log", "ask": "Count.", "target_name": "T",
              "target_title": "T", "target_organization": "T", "goal": 100},
    )  # fmt: skip
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.OPEN)
    LogHead.objects.create(campaign=campaign, log_name=campaign.slug)
    started = time.perf_counter()
    for start in range(0, entries, 5000):
        _grow(campaign.pk, min(5000, entries - start))
    signed_checkpoint_create(campaign_id=campaign.pk)  # without a broker, writes the tiles
    log_tiles_write(campaign_id=campaign.pk)
    print(
        f"tlog.setup_s {time.perf_counter() - started:.2f} ({entries} entries, full tiles "
        f"written through size {LogHead.objects.get(pk=campaign.pk).tiled_size})"
    )
    print(f"slug {campaign.slug} vkey {log_signer().vkey}")
    return 0


def _witness(checkpoints: int, grow: int) -> int:
    from django.conf import settings

    from groundswell.transparency.models import LogHead
    from groundswell.transparency.note_keys import log_origin, log_signer
    from groundswell.transparency.services.signed_checkpoints import (
        signed_checkpoint_create,
        signed_checkpoint_witness,
    )
    from groundswell.transparency.signed_note import CosignatureSigner
    from groundswell.transparency.witness_server import WitnessState, make_witness_server

    head = LogHead.objects.get()
    witness = CosignatureSigner.generate("witness.bench.example")
    state_dir = Path(tempfile.mkdtemp(prefix="groundswell-witness-"))
    server = make_witness_server(
        "127.0.0.1",
        0,
        state=WitnessState(state_dir / "state.sqlite3"),
        log_keys={log_origin(log_name=head.log_name): [log_signer().verifier]},
        signers=[witness],
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    configured = [f"http://127.0.0.1:{server.server_address[1]}/add-checkpoint {witness.vkey}"]
    signing, witnessing = [], []
    try:
        for number in range(checkpoints + 1):
            _grow(head.pk, grow)
            # Without a broker the publishing task runs as the checkpoint commits (writing the
            # tiles it completes): the witness is asked separately, to time it alone.
            settings.TRANSPARENCY_WITNESSES = []
            started = time.perf_counter()
            checkpoint = signed_checkpoint_create(campaign_id=head.pk)
            signed = time.perf_counter()
            settings.TRANSPARENCY_WITNESSES = configured
            cosigned = signed_checkpoint_witness(checkpoint_id=checkpoint.pk)
            done = time.perf_counter()
            if cosigned != ["witness.bench.example"]:
                raise SystemExit(f"checkpoint {checkpoint.tree_size} was not cosigned")
            if number:  # the first one has no consistency proof: not typical
                signing.append(signed - started)
                witnessing.append(done - signed)
    finally:
        server.shutdown()
        shutil.rmtree(state_dir, ignore_errors=True)
    print(
        f"tlog.checkpoint_sign_ms median {statistics.median(signing) * 1000:.1f} "
        f"({checkpoints} checkpoints, +{grow} entries each; with writing the tiles completed)"
    )
    print(
        f"tlog.checkpoint_witness_extra_ms median {statistics.median(witnessing) * 1000:.1f} "
        f"max {max(witnessing) * 1000:.1f} (one loopback witness: proof, HTTP, checks, SQLite)"
    )
    return 0


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    sys.exit(main())
