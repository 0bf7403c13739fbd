"""The running log in C2SP form: version 1 entries beside today's leaves, signed checkpoints,
tiles served over HTTP and written once to the tile storage, the keys at a well-known URL."""

import base64
import importlib
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages
from django.utils import timezone

from groundswell.campaigns.models import Campaign
from groundswell.signatures.models import Signature, SignatureChannel
from groundswell.signatures.services import signature_withdraw
from groundswell.transparency.checkpoints import verify_checkpoint
from groundswell.transparency.checks import transparency_keys_are_usable
from groundswell.transparency.commitments import signature_commitment
from groundswell.transparency.log_entries import (
    Channel,
    SignatureEntry,
    TombstoneEntry,
    TombstoneReason,
    parse_entry,
)
from groundswell.transparency.log_store import DatabaseNodeStore
from groundswell.transparency.merkle import leaf_hash, merkle_tree_hash, root_hash
from groundswell.transparency.models import (
    Checkpoint,
    EntryNode,
    LogEntry,
    LogHead,
    LogNode,
    SignedCheckpoint,
)
from groundswell.transparency.note_keys import log_signer, published_log_keys
from groundswell.transparency.recount import recount_log
from groundswell.transparency.services.log import (
    checkpoint_create,
    entry_channel_for,
    transparency_log_extend_all,
)
from groundswell.transparency.services.signed_checkpoints import signed_checkpoint_create
from groundswell.transparency.services.tiles import log_tiles_write
from groundswell.transparency.signed_note import Ed25519Signer
from groundswell.transparency.signing_key import checkpoint_public_key
from groundswell.transparency.tasks import signed_checkpoints_create_task
from groundswell.transparency.tlog_checkpoint import CountedCheckpoint, open_checkpoint

pytestmark = pytest.mark.django_db


class ClientTiles:
    """A TileSource reading a campaign's log through the Django test client."""

    def __init__(self, client: Any, slug: str) -> None:
        self.client = client
        self.slug = slug
        self.responses: dict[str, Any] = {}

    def read(self, path: str) -> bytes:
        response = self.client.get(f"/p/{self.slug}/log/{path}")
        self.responses[path] = response
        if response.status_code == 404:
            raise FileNotFoundError(path)
        assert response.status_code == 200, (path, response.status_code)
        return bytes(response.content)


def confirmed_in_bulk(campaign: Campaign, count: int) -> None:
    """Confirmed signatures written directly (hundreds of them, quickly), then appended."""
    now = timezone.now() - timedelta(days=1)
    Signature.objects.bulk_create(
        Signature(
            campaign=campaign,
            name=f"Signer {number}",
            email=f"signer{number}@example.org",
            email_key=f"signer{number}@example.org",
            country="GB",
            confirmed_at=now + timedelta(seconds=number),
        )
        for number in range(count)
    )
    Campaign.objects.filter(pk=campaign.pk).update(signature_count=count)
    transparency_log_extend_all(campaign_id=campaign.pk)


def origin(campaign: Campaign) -> str:
    return f"sign.example.org/p/{campaign.slug}"


def test_each_leaf_gets_a_version_1_entry_with_the_same_commitment(campaign, confirm_many):
    signature = confirm_many(1)[0]

    row = LogEntry.objects.get(signature=signature)
    entry = parse_entry(bytes(row.entry))

    assert entry == SignatureEntry(
        signature_commitment(
            public_id=signature.public_id,
            campaign_slug=campaign.slug,
            confirmed_at=signature.confirmed_at,
            salt=bytes(row.salt),
        ),
        Channel.ONLINE,
    )
    assert signature.email.encode() not in bytes(row.entry)


def test_every_way_a_signature_reaches_us_has_a_channel_byte():
    assert {channel: entry_channel_for(channel) for channel in SignatureChannel.values} == {
        "online": Channel.ONLINE,
        "paper": Channel.PAPER,
        "api": Channel.PARTNER_TOOL,
        "partner_tool": Channel.PARTNER_TOOL,
    }


def test_a_paper_signature_is_published_as_one(confirm_many):
    signature = confirm_many(1, channel=SignatureChannel.PAPER)[0]

    entry = parse_entry(bytes(LogEntry.objects.get(signature=signature).entry))
    assert isinstance(entry, SignatureEntry)
    assert entry.channel == Channel.PAPER


def test_a_tombstone_entry_repeats_the_revoked_commitment_and_codes_the_reason(
    campaign, confirm_many
):
    signatures = confirm_many(3)
    revoked = LogEntry.objects.get(signature=signatures[1])

    signature_withdraw(signature=signatures[1], reason="withdrawn")

    tombstone = LogEntry.objects.get(campaign=campaign, revoked_index=revoked.index)
    assert parse_entry(bytes(tombstone.entry)) == TombstoneEntry(
        revoked.index, TombstoneReason.WITHDRAWN, parse_entry(bytes(revoked.entry)).commitment
    )


def test_the_entry_tree_is_the_tree_of_the_entries(campaign, confirm_many):
    signatures = confirm_many(5)
    signature_withdraw(signature=signatures[2], reason="withdrawn")

    entries = [bytes(e) for e in LogEntry.objects.order_by("index").values_list("entry", flat=True)]
    store = DatabaseNodeStore(campaign_id=campaign.pk, model=EntryNode)

    assert len(entries) == 6
    assert root_hash(store, tree_size=6) == merkle_tree_hash(leaf_hash(e) for e in entries)


def test_a_signed_checkpoint_is_a_c2sp_note_with_the_live_count(campaign, confirm_many):
    signatures = confirm_many(4)
    signature_withdraw(signature=signatures[0], reason="withdrawn")

    checkpoint = signed_checkpoint_create(campaign_id=campaign.pk)

    opened = open_checkpoint(
        bytes(checkpoint.note), origin=origin(campaign), log_verifiers=[log_signer().verifier]
    )
    counted = CountedCheckpoint.from_checkpoint(opened.checkpoint)
    assert (counted.size, counted.live_count) == (5, 3)
    assert counted.root_hash == root_hash(
        DatabaseNodeStore(campaign_id=campaign.pk, model=EntryNode), tree_size=5
    )
    assert signed_checkpoint_create(campaign_id=campaign.pk).pk == checkpoint.pk


def test_the_json_checkpoint_comes_with_its_signed_twin(campaign, confirm_many):
    confirm_many(2)

    checkpoint_create(campaign=campaign)

    assert SignedCheckpoint.objects.get(campaign=campaign).tree_size == 2


def test_checkpoint_times_never_go_backwards(campaign, confirm_many):
    confirm_many(1)
    later = timezone.now() + timedelta(hours=1)
    first = signed_checkpoint_create(campaign_id=campaign.pk, now=later)
    confirm_many(1, prefix="more")

    second = signed_checkpoint_create(campaign_id=campaign.pk, now=timezone.now())

    assert second.timestamp == first.timestamp


def test_the_scheduled_task_signs_every_log_that_grew(campaign, confirm_many):
    confirm_many(2)

    assert signed_checkpoints_create_task() == 1
    assert signed_checkpoints_create_task() == 0
    confirm_many(1, prefix="more")
    assert signed_checkpoints_create_task() == 1
    assert list(SignedCheckpoint.objects.values_list("tree_size", flat=True)) == [2, 3]


def test_anyone_recounts_the_served_log(client, campaign, confirm_many):
    signatures = confirm_many(6)
    signature_withdraw(signature=signatures[3], reason="withdrawn")
    signed_checkpoint_create(campaign_id=campaign.pk)

    source = ClientTiles(client, campaign.slug)
    recount = recount_log(source, origin=origin(campaign), log_verifiers=[log_signer().verifier])

    assert (recount.signatures, recount.tombstones, recount.live) == (6, 1, 5)
    response = source.responses["checkpoint"]
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "max-age=10" in response["Cache-Control"]
    assert source.responses["tile/0/000.p/7"]["Access-Control-Allow-Origin"] == "*"


def test_full_tiles_are_written_once_and_served_as_immutable(client, campaign, run_on_commit):
    confirmed_in_bulk(campaign, 300)
    with run_on_commit():
        signed_checkpoint_create(campaign_id=campaign.pk)
    storage = storages["transparency_tiles"]

    assert storage.exists(f"{campaign.slug}/tile/0/000")
    assert storage.exists(f"{campaign.slug}/tile/entries/000")
    assert not storage.exists(f"{campaign.slug}/tile/0/001.p/44")
    assert LogHead.objects.get(pk=campaign.pk).tiled_size == 300
    assert log_tiles_write(campaign_id=campaign.pk) == 0

    full = client.get(f"/p/{campaign.slug}/log/tile/0/000")
    partial = client.get(f"/p/{campaign.slug}/log/tile/0/001.p/44")
    assert full["Cache-Control"] == "public, max-age=31536000, immutable"
    assert len(full.content) == 256 * 32
    assert "immutable" not in partial["Cache-Control"]
    assert len(partial.content) == 44 * 32
    recount = recount_log(
        ClientTiles(client, campaign.slug),
        origin=origin(campaign),
        log_verifiers=[log_signer().verifier],
    )
    assert recount.live == 300


def test_no_tile_beyond_the_latest_checkpoint_is_served(client, campaign, confirm_many):
    confirm_many(2)
    signed_checkpoint_create(campaign_id=campaign.pk)
    confirm_many(2, prefix="more")

    assert client.get(f"/p/{campaign.slug}/log/tile/0/000.p/2").status_code == 200
    assert client.get(f"/p/{campaign.slug}/log/tile/0/000.p/1").status_code == 200
    assert client.get(f"/p/{campaign.slug}/log/tile/0/000.p/3").status_code == 404
    assert client.get(f"/p/{campaign.slug}/log/tile/entries/000.p/4").status_code == 404


@pytest.mark.parametrize("path", ["tile/0/0", "tile/0/x000/001", "tile/9/../000", "tile/0/000.p/0"])
def test_it_refuses_what_is_not_a_tile_path(client, campaign, confirm_many, path):
    confirm_many(1)
    signed_checkpoint_create(campaign_id=campaign.pk)

    assert client.get(f"/p/{campaign.slug}/log/{path}").status_code == 404


def test_a_log_without_a_checkpoint_has_nothing_to_serve(client, campaign):
    assert client.get(f"/p/{campaign.slug}/log/checkpoint").status_code == 404
    assert client.get(f"/p/{campaign.slug}/log/tile/0/000.p/1").status_code == 404


def test_the_keys_are_published_current_and_previous(client, settings):
    previous = Ed25519Signer.generate("sign.example.org")
    settings.TRANSPARENCY_PREVIOUS_VERIFIER_KEYS = [f"{previous.vkey} retired 2026-01-31"]

    response = client.get("/.well-known/groundswell/transparency-keys")

    assert response.status_code == 200
    assert response.content.decode().splitlines() == [
        f"{log_signer().vkey} current",
        f"{previous.vkey} previous retired 2026-01-31",
    ]
    assert [key.verifier.vkey for key in published_log_keys()][1] == previous.vkey


def test_the_signing_key_comes_from_an_environment_secret(settings):
    signer = Ed25519Signer.generate("sign.example.org")
    settings.TRANSPARENCY_SIGNING_KEY = signer.skey

    assert log_signer().vkey == signer.vkey


def test_the_signing_key_file_may_hold_a_signer_key_string(settings, tmp_path):
    signer = Ed25519Signer.generate("sign.example.org")
    (tmp_path / "log.key").write_text(signer.skey + "\n")
    settings.TRANSPARENCY_SIGNING_KEY_FILE = str(tmp_path / "log.key")

    assert log_signer().vkey == signer.vkey


def test_it_refuses_a_signing_key_named_otherwise(settings):
    settings.TRANSPARENCY_SIGNING_KEY = Ed25519Signer.generate("other.example").skey

    with pytest.raises(ImproperlyConfigured, match="TRANSPARENCY_KEY_NAME"):
        log_signer()


def test_without_a_c2sp_key_the_checkpoint_key_signs(settings):
    raw = base64.b64decode(log_signer().vkey.split("+", 2)[2])[1:]
    assert raw == checkpoint_public_key().public_bytes_raw()


def test_the_petition_json_gives_the_count_with_its_checkpoint(client, campaign, confirm_many):
    confirm_many(2)
    checkpoint = signed_checkpoint_create(campaign_id=campaign.pk)

    data = client.get(f"/p/{campaign.slug}.json").json()

    assert data["checkpoint"]["size"] == 2
    assert data["checkpoint"]["live_count"] == 2
    assert data["checkpoint"]["root_hash"] == base64.b64encode(bytes(checkpoint.root_hash)).decode()
    assert data["checkpoint"]["url"].endswith(f"/p/{campaign.slug}/log/checkpoint")
    page = client.get(f"/p/{campaign.slug}/").content.decode()
    assert 'data-testid="count-checkpoint"' in page


def test_the_petition_page_writes_the_checkpoint_for_its_reader(client, campaign, confirm_many):
    from datetime import UTC, datetime

    confirm_many(2)
    signed_checkpoint_create(campaign_id=campaign.pk)
    # A bigger log, signed at a known moment: only how the page writes it is under test here.
    SignedCheckpoint.objects.update(
        tree_size=1166, live_count=1166, timestamp=datetime(2026, 11, 30, 0, 31, 58, tzinfo=UTC)
    )

    english = client.get(f"/p/{campaign.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    spanish = client.get(f"/p/{campaign.slug}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    data = client.get(f"/p/{campaign.slug}.json").json()

    assert "1,166 live signatures in log checkpoint 1,166 of" in english
    assert '<time datetime="2026-11-30T00:31:58Z">Nov. 30, 2026, 12:31 a.m. UTC</time>' in english
    assert "so anyone can check this count" in english
    assert "1.166 firmas vigentes en el punto de control 1.166 del registro" in spanish
    assert (
        '<time datetime="2026-11-30T00:31:58Z">30 de noviembre de 2026 a las 00:31 UTC</time>'
        in spanish
    )
    assert "cualquiera puede comprobar este recuento" in spanish
    assert "2026-11-30T00:31:58Z." not in english + spanish
    assert (data["checkpoint"]["live_count"], data["checkpoint"]["size"]) == (1166, 1166)
    assert data["checkpoint"]["time"] == "2026-11-30T00:31:58Z"


def test_the_migration_rebuilds_the_entries_of_existing_logs_and_keeps_todays_tree(
    campaign, confirm_many
):
    signatures = confirm_many(5)
    signature_withdraw(signature=signatures[1], reason="erased")
    checkpoint_create(campaign=campaign)
    entries = list(LogEntry.objects.order_by("index").values_list("entry", flat=True))
    old_nodes = sorted(LogNode.objects.values_list("level", "index", "hash"))
    new_root = root_hash(DatabaseNodeStore(campaign_id=campaign.pk, model=EntryNode), tree_size=6)
    # A log from before version 1 entries: no entries, no entry tree.
    LogEntry.objects.update(entry=None)
    EntryNode.objects.all().delete()

    migration = importlib.import_module(
        "groundswell.transparency.migrations.0003_tiled_log_entries"
    )
    migration.rebuild_entries(django_apps, None)

    assert list(LogEntry.objects.order_by("index").values_list("entry", flat=True)) == entries
    store = DatabaseNodeStore(campaign_id=campaign.pk, model=EntryNode)
    assert root_hash(store, tree_size=6) == new_root
    assert sorted(LogNode.objects.values_list("level", "index", "hash")) == old_nodes
    # Today's JSON checkpoint (and every receipt's proof against it) still verifies.
    verify_checkpoint(
        Checkpoint.objects.get(campaign=campaign).statement,
        bytes(Checkpoint.objects.get(campaign=campaign).signature),
        checkpoint_public_key(),
    )


def test_a_bad_transparency_key_setting_stops_the_instance(settings):
    settings.TRANSPARENCY_SIGNING_KEY = "PRIVATE+KEY+not-a-key"
    settings.TRANSPARENCY_WITNESSES = ["ftp://witness.example not-a-key"]

    messages = transparency_keys_are_usable(None)

    assert [message.id for message in messages] == ["transparency.E001"] * 2
