"""Benchmark: recompute a 1,000,000-entry log's root, and recount it, from tiles on local disk.

Writes a log of version 1 entries (1 in 100 a tombstone) as C2SP tiles, entry bundles and a signed
checkpoint into a directory (reused when it already holds a log of that size), then times, each in
a fresh child process so that its peak memory is its own:

- root: every hash tile read and checked up to the checkpoint's root (``verify_tiles``);
- recount: the checkpoint's signature, every tile, every entry bundle and the live count
  (``recount_log``);
- cli: ``groundswell verify recount DIR --key VKEY`` itself, what a reader runs on a mirror
  (it also keeps every tombstone, for receipts).

Each prints its time and its own peak RSS (VmHWM).

    python bench/bench_tlog_recount.py [--entries 1000000] [--directory DIR]

Not part of the test suite, and heavy at full size (about 20 s of CPU, 70 MB on disk):
run it on an idle machine. ``--entries 20000`` is a quick smoke run.
"""

import argparse
import hashlib
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from groundswell.transparency.log_entries import SignatureEntry, TombstoneEntry, TombstoneReason
from groundswell.transparency.merkle import MemoryNodeStore, leaf_hash, root_hash
from groundswell.transparency.recount import recount_log
from groundswell.transparency.signed_note import Ed25519Signer
from groundswell.transparency.tlog_checkpoint import (
    CountedCheckpoint,
    open_checkpoint,
    sign_checkpoint,
)
from groundswell.transparency.tlog_tiles import DirectoryTiles, publish_tiles, verify_tiles
from groundswell.transparency.verify_cli import main as verify_main

ORIGIN = "bench.example.org/p/a-million"
SIGNER = Ed25519Signer.from_seed(ORIGIN, hashlib.sha256(b"bench log key").digest())
TOMBSTONE_EVERY = 100


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--directory", type=Path, help="where the log is written (kept)")
    parser.add_argument(
        "--child", choices=["write", "root", "recount", "cli"], help=argparse.SUPPRESS
    )
    arguments = parser.parse_args()
    if arguments.child == "write":
        write_log(arguments.directory, arguments.entries)
        return 0
    if arguments.child:
        return child(arguments.child, arguments.directory)

    directory = arguments.directory
    temporary = directory is None
    if temporary:
        directory = Path(tempfile.mkdtemp(prefix="groundswell-tlog-bench-"))
    # Every step runs in its own child: Linux carries a process's peak RSS across fork and
    # exec, so a parent that had built the log would inflate the readers' figures.
    try:
        for step in ("write", "root", "recount", "cli"):
            started = time.perf_counter()
            completed = subprocess.run(
                [
                    sys.executable, __file__, "--child", step, "--directory", str(directory),
                    "--entries", str(arguments.entries),
                ],
                check=False,
            )  # fmt: skip
            elapsed = time.perf_counter() - started
            if completed.returncode:
                return completed.returncode
            print(f"tlog.{step}_wall_s {elapsed:.2f} (child process, start-up included)")
    finally:
        if temporary:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


def write_log(directory: Path, count: int) -> None:
    tiles = DirectoryTiles(directory)
    checkpoint = directory / "checkpoint"
    if checkpoint.exists():
        opened = open_checkpoint(
            checkpoint.read_bytes(), origin=ORIGIN, log_verifiers=[SIGNER.verifier]
        )
        if opened.checkpoint.size == count:
            print(f"tlog.log_reused {directory} ({count} entries)")
            return
        raise SystemExit(f"{directory} holds a log of another size; choose another directory")
    started = time.perf_counter()
    entries: list[bytes] = []
    live = 0
    for index in range(count):
        if index % TOMBSTONE_EVERY == TOMBSTONE_EVERY - 1:
            revoked = entries[index - 1]
            entries.append(
                TombstoneEntry(index - 1, TombstoneReason.WITHDRAWN, revoked[3:]).to_bytes()
            )
            live -= 1
        else:
            commitment = hashlib.sha256(index.to_bytes(8, "big")).digest()
            entries.append(SignatureEntry(commitment).to_bytes())
            live += 1
    store = MemoryNodeStore()
    for entry in entries:
        store.append(leaf_hash(entry))
    publish_tiles(
        tiles,
        store=store,
        entries=lambda start, end: entries[start:end],
        old_size=0,
        new_size=count,
    )
    counted = CountedCheckpoint(
        ORIGIN, count, root_hash(store, tree_size=count), live, datetime.now(UTC)
    )
    tiles.write("checkpoint", sign_checkpoint(counted, [SIGNER]))
    size_mb = sum(path.stat().st_size for path in directory.rglob("*") if path.is_file()) / 1e6
    print(
        f"tlog.log_written_s {time.perf_counter() - started:.2f} "
        f"({count} entries, {size_mb:.0f} MB in {directory})"
    )


def child(step: str, directory: Path) -> int:
    tiles = DirectoryTiles(directory)
    started = time.perf_counter()
    if step == "root":
        opened = open_checkpoint(
            tiles.read("checkpoint"), origin=ORIGIN, log_verifiers=[SIGNER.verifier]
        )
        walk = verify_tiles(
            tiles, tree_size=opened.checkpoint.size, root=opened.checkpoint.root_hash
        )
        detail = f"{walk.hash_tiles} hash tiles"
    elif step == "cli":
        status = verify_main(["recount", str(directory), "--key", SIGNER.vkey])
        if status:
            return status
        detail = "groundswell verify recount"
    else:
        recount = recount_log(tiles, origin=ORIGIN, log_verifiers=[SIGNER.verifier])
        detail = (
            f"{recount.walk.hash_tiles} hash tiles, {recount.walk.entry_bundles} entry bundles, "
            f"live {recount.live}"
        )
    elapsed = time.perf_counter() - started
    print(f"tlog.{step}_s {elapsed:.2f} ({detail}; peak RSS {peak_rss_mb():.0f} MB)")
    return 0


def peak_rss_mb() -> float:
    """This process's own peak RSS: VmHWM, since getrusage carries a parent's peak over exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    sys.exit(main())
