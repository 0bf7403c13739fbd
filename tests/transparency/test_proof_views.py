"""A journalist checks the count: every document fetched from the site over HTTP, written to files,
and checked offline with `groundswell verify`, as anyone would."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from groundswell.campaigns.models import CampaignStatus
from groundswell.signatures.links import receipt_token_make
from groundswell.signatures.services import signature_withdraw
from groundswell.transparency.checkpoints import generate_private_key, sign_checkpoint
from groundswell.transparency.services.log import checkpoint_create
from groundswell.transparency.verify_cli import main as verify

pytestmark = pytest.mark.django_db


class Journalist:
    """Downloads what the site publishes into a folder and runs the verifier on it."""

    def __init__(self, client, campaign, folder: Path) -> None:
        self.client = client
        self.campaign = campaign
        self.folder = folder

    def save(self, name: str, content: bytes | dict) -> str:
        path = self.folder / name
        path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
        return str(path)

    def get_json(self, url: str, **params: object) -> dict:
        response = self.client.get(url, params)
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/json"
        return response.json()

    def public_key(self) -> str:
        response = self.client.get(reverse("transparency:public_key"))
        assert response.status_code == 200
        return self.save("checkpoint-key.pem", response.content)

    def checkpoint(self, size: int) -> str:
        url = reverse("transparency:checkpoint", args=[self.campaign.slug, size])
        return self.save(f"checkpoint-{size}.json", self.get_json(url))

    def inclusion_proof(self, leaf_index: int, tree_size: int) -> str:
        url = reverse("transparency:inclusion", args=[self.campaign.slug])
        document = self.get_json(url, leaf_index=leaf_index, tree_size=tree_size)
        return self.save(f"proof-{leaf_index}-{tree_size}.json", document)

    def consistency_proof(self, old: int, new: int) -> str:
        url = reverse("transparency:consistency", args=[self.campaign.slug])
        return self.save(f"consistency-{old}-{new}.json", self.get_json(url, old=old, new=new))

    def receipt(self, signature) -> str:
        token = receipt_token_make(public_id=signature.public_id)
        url = reverse("transparency:receipt_download", args=[self.campaign.slug, token])
        return self.save(f"receipt-{signature.pk}.json", self.get_json(url))


@pytest.fixture
def journalist(client, campaign, tmp_path):
    return Journalist(client, campaign, tmp_path)


@pytest.fixture
def two_checkpoints(campaign, confirm_many):
    """Five signers, one of whom withdraws; a checkpoint; three more signers; a checkpoint."""
    signers = confirm_many(5)
    signature_withdraw(signature=signers[2], reason="withdrawn")
    first = checkpoint_create(campaign=campaign)
    signers += confirm_many(3, prefix="later")
    second = checkpoint_create(campaign=campaign)
    return signers, first, second


def test_a_signers_receipt_verifies_against_a_checkpoint_fetched_over_http(
    journalist, two_checkpoints, capsys
):
    signers, _first, second = two_checkpoints
    key = journalist.public_key()

    status = verify(
        [
            "receipt",
            "--key", key,
            "--checkpoint", journalist.checkpoint(second.tree_size),
            "--receipt", journalist.receipt(signers[6]),
            "--proof", journalist.inclusion_proof(7, second.tree_size),
        ]
    )  # fmt: skip

    assert status == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "is leaf 7 of the checkpoint's tree of size 9" in out
    assert "the signature counts as live" in out


def test_the_checkpoints_signature_and_counts_verify(journalist, campaign, two_checkpoints, capsys):
    _signers, first, second = two_checkpoints

    status = verify(
        ["checkpoint", "--key", journalist.public_key(), journalist.checkpoint(first.tree_size)]
    )

    assert status == 0
    assert "tree size 6" in capsys.readouterr().out
    assert (first.tree_size, first.live_count) == (6, 4)
    assert (second.tree_size, second.live_count) == (9, 7)
    campaign.refresh_from_db()
    assert second.live_count == campaign.signature_count


def test_a_later_checkpoint_is_proven_to_extend_an_earlier_one(journalist, two_checkpoints):
    _signers, first, second = two_checkpoints

    status = verify(
        [
            "consistency",
            "--key", journalist.public_key(),
            journalist.checkpoint(first.tree_size),
            journalist.checkpoint(second.tree_size),
            "--proof", journalist.consistency_proof(first.tree_size, second.tree_size),
        ]
    )  # fmt: skip

    assert status == 0


def test_a_tampered_checkpoint_fails(journalist, two_checkpoints, capsys):
    _signers, _first, second = two_checkpoints
    path = Path(journalist.checkpoint(second.tree_size))
    document = json.loads(path.read_text())
    document["live_count"] += 1  # the organizers inflate the count by one
    path.write_text(json.dumps(document))

    status = verify(["checkpoint", "--key", journalist.public_key(), str(path)])

    assert status == 1
    assert "checkpoint: the checkpoint signature is invalid for key " in capsys.readouterr().err


def test_a_checkpoint_signed_with_another_key_fails(journalist, campaign, two_checkpoints, capsys):
    _signers, _first, second = two_checkpoints
    forged = journalist.get_json(reverse("transparency:checkpoint", args=[campaign.slug, 9]))
    forged["signature"] = sign_checkpoint(second.statement, generate_private_key()).hex()

    status = verify(
        ["checkpoint", "--key", journalist.public_key(), journalist.save("forged.json", forged)]
    )

    assert status == 1
    err = capsys.readouterr().err
    assert "was signed with key" in err
    assert "not with the given public key" in err


def test_a_proof_for_another_tree_size_fails(journalist, two_checkpoints, capsys):
    signers, first, second = two_checkpoints

    status = verify(
        [
            "receipt",
            "--key", journalist.public_key(),
            "--checkpoint", journalist.checkpoint(second.tree_size),
            "--receipt", journalist.receipt(signers[0]),
            "--proof", journalist.inclusion_proof(0, first.tree_size),
        ]
    )  # fmt: skip

    assert status == 1
    assert (
        "the inclusion proof is for a tree of size 6, but the checkpoint's tree has size 9"
        in capsys.readouterr().err
    )


def test_a_receipt_for_a_withdrawn_signature_fails(journalist, two_checkpoints, capsys):
    signers, _first, second = two_checkpoints

    status = verify(
        [
            "receipt",
            "--key", journalist.public_key(),
            "--checkpoint", journalist.checkpoint(second.tree_size),
            "--receipt", journalist.receipt(signers[2]),
            "--proof", journalist.inclusion_proof(2, second.tree_size),
        ]
    )  # fmt: skip

    assert status == 1
    err = capsys.readouterr().err
    assert "signature was withdrawn at" in err
    assert "the tombstone at leaf 5 revokes leaf 2" in err


def test_a_receipt_whose_salt_was_changed_fails(journalist, two_checkpoints, capsys):
    signers, _first, second = two_checkpoints
    path = Path(journalist.receipt(signers[0]))
    receipt = json.loads(path.read_text())
    receipt["salt"] = "00" * 16
    path.write_text(json.dumps(receipt))

    status = verify(
        [
            "receipt",
            "--key", journalist.public_key(),
            "--checkpoint", journalist.checkpoint(second.tree_size),
            "--receipt", str(path),
            "--proof", journalist.inclusion_proof(0, second.tree_size),
        ]
    )  # fmt: skip

    assert status == 1
    assert "the inclusion proof for leaf 0 leads to root" in capsys.readouterr().err


def test_the_checkpoint_list_names_every_checkpoint_and_the_key(client, campaign, two_checkpoints):
    response = client.get(reverse("transparency:checkpoints", args=[campaign.slug]))

    document = response.json()
    assert response["Access-Control-Allow-Origin"] == "*"
    assert document["format"] == "groundswell-checkpoint-list/v1"
    assert document["campaign"] == campaign.slug
    assert [item["tree_size"] for item in document["checkpoints"]] == [6, 9]
    assert document["public_key_url"].endswith("/.well-known/groundswell/checkpoint-key.pem")
    assert len(document["key_id"]) == 8


def test_without_a_tree_size_the_latest_checkpoint_is_used(client, campaign, two_checkpoints):
    response = client.get(
        reverse("transparency:inclusion", args=[campaign.slug]), {"leaf_index": 1}
    )

    assert response.status_code == 200
    assert response.json()["tree_size"] == 9
    empty = {"leaf_index": 1, "tree_size": ""}
    assert client.get(reverse("transparency:inclusion", args=[campaign.slug]), empty).json() == (
        response.json()
    )


WHOLE_NUMBER = "must be a whole number from 0 to 4611686018427387904"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "The parameter leaf_index is missing."),
        ({"leaf_index": ""}, "The parameter leaf_index is missing."),
        ({"leaf_index": "one"}, WHOLE_NUMBER),
        ({"leaf_index": "-1"}, WHOLE_NUMBER),
        ({"leaf_index": "²"}, WHOLE_NUMBER),
        ({"leaf_index": "1", "tree_size": "²"}, WHOLE_NUMBER),
        ({"leaf_index": "1", "tree_size": "-1"}, WHOLE_NUMBER),
        ({"leaf_index": "1", "tree_size": "7"}, "No checkpoint of this log has tree size 7"),
        ({"leaf_index": "7", "tree_size": "6"}, "Leaf 7 is not in the tree of size 6"),
        ({"leaf_index": "9" * 30}, WHOLE_NUMBER),
        ({"leaf_index": str(2**62 + 1)}, WHOLE_NUMBER),
        ({"leaf_index": "1", "tree_size": "9" * 30}, WHOLE_NUMBER),
    ],
)
def test_bad_inclusion_parameters_get_a_400_in_json(
    client, campaign, two_checkpoints, params, message
):
    response = client.get(reverse("transparency:inclusion", args=[campaign.slug]), params)

    assert response.status_code == 400
    assert message in response.json()["error"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"old": "6"}, "The parameter new is missing."),
        ({"old": "", "new": "9"}, "The parameter old is missing."),
        ({"old": "9", "new": "6"}, "larger than the new size"),
        ({"old": "5", "new": "9"}, "No checkpoint of this log has tree size 5"),
        ({"old": "x", "new": "9"}, WHOLE_NUMBER),
        ({"old": "²", "new": "9"}, WHOLE_NUMBER),
        ({"old": "6", "new": "-1"}, WHOLE_NUMBER),
        ({"old": "6", "new": "9" * 30}, WHOLE_NUMBER),
    ],
)
def test_bad_consistency_parameters_get_a_400_in_json(
    client, campaign, two_checkpoints, params, message
):
    response = client.get(reverse("transparency:consistency", args=[campaign.slug]), params)

    assert response.status_code == 400
    assert message in response.json()["error"]


def test_a_log_without_checkpoints_says_so(client, campaign, confirm_many):
    confirm_many(1)

    response = client.get(
        reverse("transparency:inclusion", args=[campaign.slug]), {"leaf_index": 0}
    )

    assert response.status_code == 400
    assert response.json() == {"error": "This log has no checkpoint yet."}


def test_an_unknown_checkpoint_size_is_a_404_in_json(client, campaign, two_checkpoints):
    for size in (7, 10**30):
        response = client.get(reverse("transparency:checkpoint", args=[campaign.slug, size]))
        assert response.status_code == 404
        assert "error" in response.json()


def test_drafts_and_unknown_campaigns_publish_no_log(client, make_campaign):
    draft = make_campaign(status=CampaignStatus.DRAFT)

    for slug in (draft.slug, "no-such-petition"):
        for name in ("checkpoints", "inclusion", "consistency"):
            response = client.get(reverse(f"transparency:{name}", args=[slug]))
            assert response.status_code == 404
            assert "error" in response.json()


def test_proofs_are_read_only(client, campaign, two_checkpoints):
    response = client.post(reverse("transparency:checkpoints", args=[campaign.slug]))

    assert response.status_code == 405


def test_an_inclusion_proof_reads_a_bounded_number_of_queries(
    client, campaign, two_checkpoints, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        client.get(
            reverse("transparency:inclusion", args=[campaign.slug]),
            {"leaf_index": 2, "tree_size": 9},
        )
