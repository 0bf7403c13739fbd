"""`groundswell witness serve` on loopback, cosigning the checkpoints the running log submits, and
refusing a split view, a rollback and a fork."""

import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from groundswell.__main__ import main as groundswell
from groundswell.transparency.merkle import EMPTY_ROOT
from groundswell.transparency.models import SignedCheckpoint
from groundswell.transparency.note_keys import log_signer
from groundswell.transparency.recount import recount_log
from groundswell.transparency.services.signed_checkpoints import signed_checkpoint_create
from groundswell.transparency.signed_note import CosignatureSigner
from groundswell.transparency.tlog_checkpoint import CountedCheckpoint, sign_checkpoint
from groundswell.transparency.witness import (
    WitnessPolicy,
    build_add_checkpoint_request,
    parse_cosignature_lines,
)
from groundswell.transparency.witness_server import (
    WitnessState,
    main,
    make_witness_server,
)
from tests.transparency.logs import ORIGIN, build_log, fixed_signer, signature_entries
from tests.transparency.test_tiled_log import ClientTiles, origin

WITNESS = CosignatureSigner.generate("witness.example.net/w1")


@pytest.fixture
def witness(tmp_path: Path, settings: Any, campaign: Any) -> Iterator[tuple[str, WitnessState]]:
    """A witness for the campaign's log on loopback, configured as the log's only witness."""
    state = WitnessState(tmp_path / "witness.sqlite3")
    server = make_witness_server(
        "127.0.0.1",
        0,
        state=state,
        log_keys={origin(campaign): [log_signer().verifier]},
        signers=[WITNESS],
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/add-checkpoint"
    settings.TRANSPARENCY_WITNESSES = [f"{url} {WITNESS.vkey}"]
    try:
        yield url, state
    finally:
        server.shutdown()
        server.server_close()


def post(url: str, body: bytes) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def checkpoint_now(campaign: Any, run_on_commit: Any) -> SignedCheckpoint:
    with run_on_commit():
        checkpoint = signed_checkpoint_create(campaign_id=campaign.pk)
    checkpoint.refresh_from_db()
    return checkpoint


pytestmark = pytest.mark.django_db


def test_the_log_gets_each_checkpoint_cosigned_and_serves_the_cosignature(
    client, campaign, confirm_many, run_on_commit, witness
):
    _url, state = witness
    confirm_many(3)
    first = checkpoint_now(campaign, run_on_commit)
    confirm_many(2, prefix="more")
    second = checkpoint_now(campaign, run_on_commit)

    assert first.witnessed_by == second.witnessed_by == [WITNESS.vkey]
    assert state.get(origin(campaign)).size == 5
    policy = WitnessPolicy((WITNESS.verifier,), 1)
    recount = recount_log(
        ClientTiles(client, campaign.slug),
        origin=origin(campaign),
        log_verifiers=[log_signer().verifier],
        policy=policy,
        now=int(time.time()),
    )
    assert recount.live == 5


def test_the_witness_refuses_a_split_view(campaign, confirm_many, run_on_commit, witness):
    url, _ = witness
    confirm_many(2)
    honest = checkpoint_now(campaign, run_on_commit)
    # The same log key signs another tree of the same size: what a log would show to a victim.
    split = CountedCheckpoint(
        origin(campaign), honest.tree_size, bytes(32), honest.live_count, honest.timestamp
    )
    note = sign_checkpoint(split, [log_signer()])

    status, body = post(
        url, build_add_checkpoint_request(old_size=honest.tree_size, proof=[], checkpoint=note)
    )

    assert status == 422
    assert b"split view" in body


def test_the_witness_refuses_a_rollback_and_a_fork(campaign, confirm_many, run_on_commit, witness):
    url, _ = witness
    confirm_many(3)
    checkpoint_now(campaign, run_on_commit)
    smaller = sign_checkpoint(
        CountedCheckpoint(origin(campaign), 0, EMPTY_ROOT, 0, honest_time()), [log_signer()]
    )
    forked = sign_checkpoint(
        CountedCheckpoint(origin(campaign), 4, bytes(32), 4, honest_time()), [log_signer()]
    )

    rollback = post(url, build_add_checkpoint_request(old_size=0, proof=[], checkpoint=smaller))
    fork = post(
        url, build_add_checkpoint_request(old_size=3, proof=[bytes(32)] * 2, checkpoint=forked)
    )

    assert rollback == (409, b"3\n")
    assert fork[0] == 422


def honest_time() -> datetime:
    return datetime(2026, 1, 1, tzinfo=UTC)


def test_a_checkpoint_is_published_without_a_witness_that_is_down(
    campaign, confirm_many, run_on_commit, settings
):
    settings.TRANSPARENCY_WITNESSES = [f"http://127.0.0.1:9/add-checkpoint {WITNESS.vkey}"]
    settings.TRANSPARENCY_WITNESS_TIMEOUT_SECONDS = 1
    confirm_many(1)

    checkpoint = checkpoint_now(campaign, run_on_commit)

    assert checkpoint.witnessed_by == []


def test_witness_keygen_writes_a_cosigning_key_once(tmp_path, capsys):
    key_file = tmp_path / "witness.key"

    assert main(["keygen", "witness.example.org", "--key-file", str(key_file)]) == 0
    vkey = capsys.readouterr().out.strip()
    assert vkey.startswith("witness.example.org+")
    assert key_file.read_text().startswith("PRIVATE+KEY+witness.example.org+")
    assert main(["keygen", "witness.example.org", "--key-file", str(key_file)]) == 2


def test_witness_serve_refuses_to_start_without_a_log(tmp_path, capsys):
    key_file = tmp_path / "witness.key"
    key_file.write_text(WITNESS.skey)

    status = main(["serve", "--key-file", str(key_file), "--state", str(tmp_path / "s.db")])

    assert status == 2
    assert "--log" in capsys.readouterr().err


def test_the_console_script_runs_the_witness_and_the_sample_command(
    tmp_path, capsys, campaign, confirm_many
):
    assert groundswell(["groundswell", "witness", "keygen", "w.example", "--key-file",
                        str(tmp_path / "k")]) == 0  # fmt: skip
    confirm_many(2)
    signed_checkpoint_create(campaign_id=campaign.pk)
    groundswell(["groundswell", "audit-sample", campaign.slug, "--skip-checks", "--size", "1",
                 "--output", str(tmp_path / "sample.json")])  # fmt: skip

    assert '"sample_size": 1' in (tmp_path / "sample.json").read_text()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_real_witness_process_refuses_a_split_view(tmp_path):
    """`groundswell witness serve` as a partner runs it: its own process, key file and state."""
    log_key = fixed_signer()
    key_file = tmp_path / "witness.key"
    key_file.write_text(WITNESS.skey + "\n")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own console script
        [sys.executable, "-m", "groundswell", "witness", "serve", "--key-file", str(key_file),
         "--state", str(tmp_path / "state.sqlite3"), "--log", ORIGIN, log_key.vkey,
         "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/add-checkpoint"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        honest = build_log(signature_entries(2), signer=log_key)
        split = build_log(signature_entries(2, start=50), signer=log_key)

        first = post(
            url, build_add_checkpoint_request(old_size=0, proof=[], checkpoint=honest.note)
        )
        second = post(
            url, build_add_checkpoint_request(old_size=2, proof=[], checkpoint=split.note)
        )
    finally:
        process.terminate()
        process.wait(timeout=10)

    assert first[0] == 200
    assert WITNESS.verifier.verify(
        honest.checkpoint.text(), parse_cosignature_lines(first[1])[0].signature
    )
    assert second[0] == 422
    assert b"split view" in second[1]
