"""Anti-fabrication sampling: the sample is drawn from a checkpoint's root, reproducibly; the
organizer's command gives its openings; the auditor's check accepts them and nothing else."""

import hashlib
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from groundswell.signatures.services import signature_withdraw
from groundswell.transparency.audit_sample import SAMPLE_TAG, sample_indexes
from groundswell.transparency.models import LogEntry
from groundswell.transparency.note_keys import log_signer
from groundswell.transparency.services.signed_checkpoints import signed_checkpoint_create
from groundswell.transparency.tlog_tiles import DirectoryTiles, entry_bundles_to_publish, tree_tiles
from groundswell.transparency.verify_cli import main
from tests.transparency.test_tiled_log import ClientTiles

ROOT = hashlib.sha256(b"a root").digest()


def test_the_sample_is_the_documented_counter_mode_draw():
    size = 1000
    expected = []
    for counter in range(100):
        digest = hashlib.sha256(
            SAMPLE_TAG + b"\x00" + ROOT + size.to_bytes(8, "big") + counter.to_bytes(8, "big")
        ).digest()
        x = int.from_bytes(digest[:8], "big")
        if x < 2**64 - 2**64 % size and x % size not in expected:
            expected.append(x % size)
        if len(expected) == 5:
            break

    assert sample_indexes(root_hash=ROOT, tree_size=size, count=5, is_live=lambda i: True) == (
        expected
    )


def test_the_sample_skips_what_is_not_live_and_depends_on_the_root():
    live = set(range(0, 100, 3))

    sample = sample_indexes(root_hash=ROOT, tree_size=100, count=10, is_live=live.__contains__)
    other = sample_indexes(root_hash=bytes(32), tree_size=100, count=10, is_live=live.__contains__)

    assert len(set(sample)) == 10 and set(sample) <= live
    assert sample != other


def test_a_sample_larger_than_the_live_signatures_takes_them_all():
    assert sorted(
        sample_indexes(root_hash=ROOT, tree_size=7, count=50, is_live={1, 4}.__contains__)
    ) == [1, 4]


def mirror_of(client, slug: str, directory: Path, size: int) -> str:
    tiles = DirectoryTiles(directory)
    source = ClientTiles(client, slug)
    tiles.write("checkpoint", source.read("checkpoint"))
    for tile in [*tree_tiles(size), *entry_bundles_to_publish(old_size=0, new_size=size)]:
        tiles.write(tile.path, source.read(tile.path))
    return str(directory)


@pytest.mark.django_db
def test_the_organizer_hands_over_openings_the_auditor_accepts(
    client, campaign, confirm_many, tmp_path, capsys
):
    signatures = confirm_many(12)
    signature_withdraw(signature=signatures[4], reason="withdrawn")
    signed_checkpoint_create(campaign_id=campaign.pk)
    openings = tmp_path / "openings.json"

    call_command("audit_sample", campaign.slug, "--size", "5", "--output", str(openings))
    document = json.loads(openings.read_text())
    log = mirror_of(client, campaign.slug, tmp_path / "log", 13)
    capsys.readouterr()
    status = main(["audit-sample", "--log", log, "--key", log_signer().vkey, str(openings)])
    out, err = capsys.readouterr()

    assert (status, err) == (0, "")
    assert len(document["openings"]) == 5
    withdrawn = LogEntry.objects.get(public_id=signatures[4].public_id).index
    assert withdrawn not in [opening["index"] for opening in document["openings"]]
    emails = {signature.email for signature in signatures}
    assert {opening["email"] for opening in document["openings"]} <= emails
    assert "the 5 openings are exactly the checkpoint's sample of 5" in out


@pytest.mark.django_db
def test_the_auditor_refuses_openings_that_were_chosen_or_altered(
    client, campaign, confirm_many, tmp_path, capsys
):
    confirm_many(8)
    signed_checkpoint_create(campaign_id=campaign.pk)
    openings = tmp_path / "openings.json"
    call_command("audit_sample", campaign.slug, "--size", "3", "--output", str(openings))
    document = json.loads(openings.read_text())
    log = mirror_of(client, campaign.slug, tmp_path / "log", 8)
    chosen = {**document, "openings": document["openings"][:2]}
    altered = {**document, "openings": [dict(o) for o in document["openings"]]}
    altered["openings"][0]["public_id"] = "someone-else"
    results = []
    for name, doc in [("chosen.json", chosen), ("altered.json", altered)]:
        (tmp_path / name).write_text(json.dumps(doc))
        capsys.readouterr()
        status = main(
            ["audit-sample", "--log", log, "--key", log_signer().vkey, str(tmp_path / name)]
        )
        results.append((status, capsys.readouterr().err))

    assert results[0][0] == 1 and "sample of 3" in results[0][1]
    assert results[1][0] == 1 and "does not open its commitment" in results[1][1]


@pytest.mark.django_db
def test_the_organizer_command_needs_a_signed_checkpoint(campaign):
    with pytest.raises(CommandError, match="no signed checkpoint"):
        call_command("audit_sample", campaign.slug)
