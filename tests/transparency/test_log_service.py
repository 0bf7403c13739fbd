"""The transparency log in the database: appends in batches, tombstones, checkpoints, live count."""

import random
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from groundswell.campaigns.models import Campaign
from groundswell.signatures.models import Signature
from groundswell.signatures.services import signature_withdraw
from groundswell.signatures.tallies import tally_totals
from groundswell.transparency.checkpoints import verify_checkpoint
from groundswell.transparency.commitments import signature_leaf, tombstone_leaf
from groundswell.transparency.log_store import DatabaseNodeStore, NodeAppender
from groundswell.transparency.merkle import (
    MemoryNodeStore,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_hash,
    verify_inclusion,
)
from groundswell.transparency.models import Checkpoint, LeafKind, LogEntry, LogHead, LogNode
from groundswell.transparency.selectors import (
    campaign_ids_with_pending_leaves,
    log_live_count_recount,
)
from groundswell.transparency.services.log import (
    checkpoint_create,
    transparency_log_extend,
    transparency_log_extend_all,
)
from groundswell.transparency.signing_key import checkpoint_public_key

pytestmark = pytest.mark.django_db


def count(campaign: Campaign) -> int:
    campaign.refresh_from_db()
    return campaign.signature_count


def head(campaign: Campaign) -> LogHead:
    return LogHead.objects.get(pk=campaign.pk)


def append_synthetic_leaves(campaign: Campaign, hashes: list[bytes], batch: int) -> None:
    """Grow the node table as the service does, in batches, from given leaf hashes."""
    size = 0
    for start in range(0, len(hashes), batch):
        appender = NodeAppender.load(campaign_id=campaign.pk, size=size)
        for digest in hashes[start : start + batch]:
            appender.append(digest)
        appender.save()
        size = appender.size


def test_the_database_store_gives_the_roots_and_proofs_of_the_memory_store(campaign):
    generator = random.Random(6962)
    hashes = [leaf_hash(generator.randbytes(40)) for _ in range(300)]
    append_synthetic_leaves(campaign, hashes, batch=7)
    memory = MemoryNodeStore()
    for digest in hashes:
        memory.append(digest)

    sizes = [0, 1, 2, 3, 7, 8, 9, 64, 65, 127, 128, 129, 255, 256, 257, 300]
    sizes += generator.sample(range(1, 301), 20)
    for size in sizes:
        store = DatabaseNodeStore(campaign_id=campaign.pk)
        store.prefetch(lambda nodes, size=size: root_hash(nodes, tree_size=size))
        assert root_hash(store, tree_size=size) == root_hash(memory, tree_size=size)
        assert store.queries <= 1
        if size:
            index = generator.randrange(size)
            assert inclusion_proof(
                DatabaseNodeStore(campaign_id=campaign.pk), index=index, tree_size=size
            ) == inclusion_proof(memory, index=index, tree_size=size)
            old = generator.randrange(size + 1)
            assert consistency_proof(
                DatabaseNodeStore(campaign_id=campaign.pk), old_size=old, new_size=size
            ) == consistency_proof(memory, old_size=old, new_size=size)


def test_a_proof_reads_its_nodes_in_one_query(campaign, django_assert_num_queries):
    hashes = [leaf_hash(bytes([n % 256, n // 256])) for n in range(1000)]
    append_synthetic_leaves(campaign, hashes, batch=1000)
    store = DatabaseNodeStore(campaign_id=campaign.pk)

    with django_assert_num_queries(1):
        store.prefetch(lambda nodes: inclusion_proof(nodes, index=517, tree_size=1000))
        proof = inclusion_proof(store, index=517, tree_size=1000)

    verify_inclusion(
        leaf_hash=hashes[517],
        index=517,
        tree_size=1000,
        proof=proof,
        root=root_hash(DatabaseNodeStore(campaign_id=campaign.pk), tree_size=1000),
    )


def test_every_confirmed_signature_is_appended_once_in_confirmation_order(campaign, confirm_many):
    signatures = confirm_many(5, append=False)
    signed_up_late = confirm_many(1, append=False, prefix="late")[0]

    appended = transparency_log_extend_all(campaign_id=campaign.pk)
    again = transparency_log_extend_all(campaign_id=campaign.pk)

    assert (appended, again) == (6, 0)
    entries = list(LogEntry.objects.filter(campaign=campaign).order_by("index"))
    assert [entry.signature_id for entry in entries] == [
        *(signature.pk for signature in signatures),
        signed_up_late.pk,
    ]
    assert [entry.index for entry in entries] == list(range(6))
    assert head(campaign).size == head(campaign).live_count == 6 == count(campaign)


def test_pending_signatures_are_not_appended(campaign, signed):
    signed(confirm=False)

    assert transparency_log_extend_all(campaign_id=campaign.pk) == 0
    assert not LogEntry.objects.exists()


def test_a_leaf_commits_to_the_public_id_confirmation_time_and_a_random_salt(
    campaign, confirm_many
):
    signature = confirm_many(1)[0]

    entry = LogEntry.objects.get(signature=signature)

    assert entry.public_id == signature.public_id
    assert entry.confirmed_at == signature.confirmed_at
    assert len(bytes(entry.salt)) == 16
    expected = signature_leaf(
        public_id=signature.public_id,
        campaign_slug=campaign.slug,
        confirmed_at=signature.confirmed_at,
        salt=bytes(entry.salt),
    )
    assert bytes(entry.leaf_hash) == leaf_hash(expected)
    assert signature.email.encode() not in expected
    assert signature.name.encode() not in expected


def test_batches_grow_the_same_tree_as_one_append_per_leaf(campaign, confirm_many):
    confirm_many(23, append=False)

    batches = []
    while appended := transparency_log_extend(campaign_id=campaign.pk, batch_size=5):
        batches.append(appended)

    assert batches == [5, 5, 5, 5, 3]
    memory = MemoryNodeStore()
    for digest in LogEntry.objects.filter(campaign=campaign).order_by("index"):
        memory.append(bytes(digest.leaf_hash))
    for size in range(24):
        assert root_hash(DatabaseNodeStore(campaign_id=campaign.pk), tree_size=size) == root_hash(
            memory, tree_size=size
        )
    assert LogNode.objects.filter(campaign=campaign).count() == 2 * 23 - bin(23).count("1")


def test_in_eager_mode_a_confirmation_is_appended_when_it_commits(campaign, confirm_many):
    confirm_many(2)

    assert LogEntry.objects.filter(campaign=campaign).count() == 2


def test_with_a_broker_the_scheduler_appends_what_was_confirmed_since_its_last_run(
    campaign, confirm_many, settings, monkeypatch
):
    from groundswell.signatures.tallies import counts_publish
    from groundswell.transparency import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(tasks.transparency_log_extend_task, "delay", queued.append)

    confirm_many(3)
    assert queued == []  # a confirmation costs no broker round trip
    assert LogEntry.objects.filter(campaign=campaign).count() == 0

    counts_publish(campaign_id=campaign.pk)
    assert tasks.transparency_logs_extend_task() == 3
    assert head(campaign).live_count == count(campaign) == 3
    assert tasks.transparency_logs_extend_task() == 0  # nothing new: nothing appended


def test_a_confirmation_that_commits_after_a_later_one_was_appended_is_still_found(
    campaign, confirm_many
):
    first = confirm_many(1)[0]
    late = confirm_many(1, append=False, prefix="late")[0]
    # It took its time before the first one did, and committed only after the log moved on.
    Signature.objects.filter(pk=late.pk).update(
        confirmed_at=first.confirmed_at - timedelta(seconds=5)
    )

    assert transparency_log_extend_all(campaign_id=campaign.pk) == 1
    assert head(campaign).live_count == count(campaign) == 2


def test_a_scan_does_not_reread_the_whole_log(campaign, confirm_many):
    confirm_many(3)
    log = head(campaign)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        transparency_log_extend(campaign_id=campaign.pk)
    scans = [query["sql"] for query in queries if "signatures_signature" in query["sql"]]
    assert len(scans) == 1
    assert '"confirmed_at" >=' in scans[0]
    assert head(campaign).scanned_at > log.scanned_at


def test_a_signature_confirmed_long_before_the_log_caught_up_is_found_by_a_full_scan(
    campaign, confirm_many
):
    confirm_many(2)
    straggler = confirm_many(1, append=False, prefix="straggler")[0]
    Signature.objects.filter(pk=straggler.pk).update(
        confirmed_at=timezone.now() - timedelta(minutes=5)
    )

    assert transparency_log_extend_all(campaign_id=campaign.pk) == 0
    assert transparency_log_extend_all(campaign_id=campaign.pk, full_scan=True) == 1
    assert head(campaign).live_count == count(campaign) == 3


def test_the_sweep_names_quiet_campaigns_whose_log_is_behind(campaign, make_campaign, confirm_many):
    confirm_many(2, append=False)
    up_to_date = make_campaign()
    confirm_many(1, campaign=up_to_date)
    later = timezone.now() + timedelta(minutes=5)

    assert campaign_ids_with_pending_leaves(quiet_for=timedelta(minutes=2)) == []
    assert campaign_ids_with_pending_leaves(quiet_for=timedelta(minutes=2), now=later) == [
        campaign.pk
    ]


def test_the_sweep_task_catches_up(campaign, confirm_many):
    from groundswell.delivery.tasks import delivery_sweep

    confirm_many(3, append=False)
    Campaign.objects.filter(pk=campaign.pk).update(
        last_signed_at=timezone.now() - timedelta(hours=1)
    )

    delivery_sweep()

    assert head(campaign).live_count == 3


def test_withdrawing_appends_a_tombstone_and_erases_the_signature(campaign, confirm_many):
    second = confirm_many(3)[1]
    now = timezone.now()

    assert signature_withdraw(signature=second, reason="withdrawn", now=now)

    assert not Signature.objects.filter(pk=second.pk).exists()
    assert count(campaign) == 2
    log = head(campaign)
    assert (log.size, log.live_count) == (4, 2)
    assert log_live_count_recount(campaign_id=campaign.pk) == 2
    tombstone = LogEntry.objects.get(campaign=campaign, kind=LeafKind.TOMBSTONE)
    assert (tombstone.index, tombstone.revoked_index, tombstone.reason) == (3, 1, "withdrawn")
    expected = tombstone_leaf(leaf_index=1, campaign_slug=campaign.slug, reason="withdrawn", at=now)
    assert bytes(tombstone.leaf_hash) == leaf_hash(expected)
    erased = LogEntry.objects.get(campaign=campaign, index=1)
    assert erased.signature_id is None
    assert erased.public_id == second.public_id  # the receipt can still be checked


def test_withdrawing_twice_appends_one_tombstone(campaign, confirm_many):
    signature = confirm_many(1)[0]

    assert signature_withdraw(signature=signature, reason="erased")
    assert not signature_withdraw(signature=signature, reason="erased")

    assert LogEntry.objects.filter(kind=LeafKind.TOMBSTONE).count() == 1
    assert count(campaign) == 0


def test_withdrawing_a_signature_not_yet_in_the_log_needs_no_tombstone(campaign, confirm_many):
    signature = confirm_many(1, append=False)[0]

    signature_withdraw(signature=signature, reason="invalidated")
    transparency_log_extend_all(campaign_id=campaign.pk, full_scan=True)

    assert not LogEntry.objects.exists()
    assert count(campaign) == 0


def test_withdrawing_an_unconfirmed_signature_leaves_the_count_alone(
    campaign, signed, confirm_many
):
    confirm_many(1)
    pending = signed(confirm=False, email="pending@example.org")

    signature_withdraw(signature=pending, reason="withdrawn")

    assert count(campaign) == 1
    assert head(campaign).live_count == 1


def test_an_unknown_reason_is_refused(campaign, confirm_many):
    signature = confirm_many(1)[0]

    with pytest.raises(ValueError, match="unknown withdrawal reason"):
        signature_withdraw(signature=signature, reason="bored")


def test_a_checkpoint_signs_the_log_after_catching_up(campaign, confirm_many):
    confirm_many(3)
    confirm_many(2, append=False, prefix="behind")

    checkpoint = checkpoint_create(campaign=campaign)

    assert checkpoint.tree_size == 5
    assert checkpoint.live_count == count(campaign) == 5
    memory = MemoryNodeStore()
    for entry in LogEntry.objects.filter(campaign=campaign).order_by("index"):
        memory.append(bytes(entry.leaf_hash))
    assert bytes(checkpoint.root_hash) == root_hash(memory, tree_size=5)
    verify_checkpoint(checkpoint.statement, bytes(checkpoint.signature), checkpoint_public_key())


def test_the_live_count_of_a_checkpoint_equals_the_campaign_count(campaign, confirm_many):
    signatures = confirm_many(6)
    signature_withdraw(signature=signatures[0], reason="withdrawn")
    signature_withdraw(signature=signatures[4], reason="invalidated")
    confirm_many(2, prefix="more")

    checkpoint = checkpoint_create(campaign=campaign)

    assert checkpoint.tree_size == 10
    assert checkpoint.live_count == count(campaign) == 6
    assert log_live_count_recount(campaign_id=campaign.pk) == 6


def test_a_size_is_signed_once(campaign, confirm_many):
    confirm_many(2)

    first = checkpoint_create(campaign=campaign)
    second = checkpoint_create(campaign=campaign)
    confirm_many(1, prefix="more")
    third = checkpoint_create(campaign=campaign)

    assert first.pk == second.pk
    assert third.tree_size == 3
    assert Checkpoint.objects.count() == 2


def test_an_empty_log_can_be_checkpointed(campaign):
    checkpoint = checkpoint_create(campaign=campaign)

    assert (checkpoint.tree_size, checkpoint.live_count) == (0, 0)


def test_the_log_keeps_its_name_when_the_campaign_is_renamed(campaign, confirm_many):
    confirm_many(1)
    Campaign.objects.filter(pk=campaign.pk).update(slug="renamed")
    campaign.refresh_from_db()
    confirm_many(1, prefix="after")

    checkpoint = checkpoint_create(campaign=campaign)

    assert checkpoint.log_name == "cancel-the-contract"
    assert checkpoint.to_json()["campaign"] == "cancel-the-contract"


def test_each_appended_signer_gets_one_receipt_email_with_their_own_links(campaign, confirm_many):
    from groundswell.signatures.links import receipt_url

    mail.outbox.clear()

    signatures = confirm_many(2)
    transparency_log_extend_all(campaign_id=campaign.pk, full_scan=True)

    receipts = sorted(
        (message for message in mail.outbox if "receipt" in message.subject.lower()),
        key=lambda message: message.to[0],
    )
    assert [message.to[0] for message in receipts] == [
        "signer0@example.org",
        "signer1@example.org",
    ]
    # The text is rendered once and each signer's own values are put in.
    for number, (message, signature) in enumerate(zip(receipts, signatures, strict=True)):
        other = signatures[1 - number]
        assert f"Hello Signer {number}," in message.body
        assert receipt_url(campaign_slug=campaign.slug, public_id=signature.public_id) in (
            message.body
        )
        assert f'"public_id": "{signature.public_id}"' in message.body
        assert f"/withdraw/{signature.public_id}:" in message.body
        assert other.public_id not in message.body
        assert campaign.title in message.body


def test_signatures_confirmed_long_ago_get_no_receipt_email(campaign, confirm_many):
    confirm_many(1, append=False)
    Signature.objects.update(confirmed_at=timezone.now() - timedelta(days=30))
    mail.outbox.clear()

    transparency_log_extend_all(campaign_id=campaign.pk)

    from groundswell.core.models import OutboundEmail

    assert not OutboundEmail.objects.filter(kind="signature-receipt").exists()
    assert LogEntry.objects.count() == 1


def test_imported_signatures_dated_before_their_campaign_get_no_receipt_email(
    campaign, confirm_many
):
    from groundswell.core.models import OutboundEmail

    confirm_many(1, append=False)
    Signature.objects.update(confirmed_at=campaign.created_at - timedelta(minutes=5))

    transparency_log_extend_all(campaign_id=campaign.pk)

    assert not OutboundEmail.objects.filter(kind="signature-receipt").exists()
    assert LogEntry.objects.count() == 1


def test_a_cache_that_is_down_never_fails_a_confirmation(
    campaign, confirm_many, settings, monkeypatch
):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    settings.CELERY_TASK_ALWAYS_EAGER = False
    for method in ("add", "get", "set", "delete", "incr"):
        monkeypatch.setattr(cache, method, broken)

    confirm_many(2)

    # With a broker, published counts follow on the scheduler's next run; the tallies are exact.
    assert tally_totals(campaign=campaign).confirmed == 2


def test_a_backlog_is_appended_a_batch_at_a_time_once_the_time_is_up(campaign, confirm_many):
    confirm_many(5, append=False)

    # No batch starts after the deadline; the rest waits for the scheduler's next run.
    assert transparency_log_extend_all(campaign_id=campaign.pk, batch_size=2, deadline=0) == 2
    assert transparency_log_extend_all(campaign_id=campaign.pk, batch_size=2) == 3
    assert head(campaign).live_count == 5


def test_an_extension_out_of_time_queues_the_rest_behind_other_work(
    campaign, confirm_many, settings, monkeypatch
):
    from groundswell.transparency import tasks

    confirm_many(3, append=False)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.LOG_EXTEND_SECONDS = 0  # every batch runs out of time
    queued = []
    monkeypatch.setattr(tasks.transparency_log_extend_task, "delay", lambda *a: queued.append(a))
    monkeypatch.setattr(tasks, "transparency_log_extend_all", _one_batch_of(1))

    assert tasks.transparency_log_extend_task(campaign.pk, True) == 1
    assert queued == [(campaign.pk, True)]


def _one_batch_of(size):
    def extend(**kwargs):
        return transparency_log_extend_all(
            campaign_id=kwargs["campaign_id"], full_scan=kwargs["full_scan"], batch_size=size,
            deadline=kwargs["deadline"],
        )  # fmt: skip

    return extend
