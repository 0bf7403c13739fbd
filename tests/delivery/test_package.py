"""The delivery package: a PDF and a CSV of exactly the checkpoint's live signatories, public
fields only, tied to the checkpoint by a manifest."""

import base64
import csv
import hashlib
import io
import json
import re
import zipfile
import zlib
from pathlib import Path

import pytest

from groundswell.delivery import package_pdf
from groundswell.delivery.models import DeliveryPackage, PackageStatus
from groundswell.delivery.package_pdf import Column
from groundswell.delivery.package_sections import (
    PackageSection,
    _providers,
    package_section_provider_add,
)
from groundswell.delivery.services.packages import (
    delivery_package_build,
    delivery_package_request,
    package_directory,
)
from groundswell.signatures.services import signature_withdraw
from groundswell.transparency.services.log import checkpoint_create

pytestmark = pytest.mark.django_db

PLANTED_EMAIL = "planted-secret@example.org"


def pdf_text(path: Path) -> str:
    """The text drawing operators of every page (the tests draw with a built-in font, whose text
    stays readable in the content streams, unlike a subset TrueType font)."""
    data = path.read_bytes()
    texts = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        raw = stream.strip()
        if raw.endswith(b"~>"):
            raw = base64.a85decode(raw[:-2])
        try:
            texts.append(zlib.decompress(raw).decode("cp1252", errors="replace"))
        except zlib.error:
            continue
    # Paragraphs draw a line in fragments: "(Please <) Tj (listen) Tj (> & act.) Tj".
    joined = "\n".join(texts).replace(") Tj (", "")
    return PDF_STRING_ESCAPE.sub(_unescape, joined)


PDF_STRING_ESCAPE = re.compile(r"\\([0-7]{3}|[()\\])")


def _unescape(match: re.Match) -> str:
    escaped = match.group(1)
    return bytes([int(escaped, 8)]).decode("cp1252") if escaped.isdigit() else escaped


def pdf_page_count(path: Path) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", path.read_bytes()))


@pytest.fixture
def readable_pdf(monkeypatch):
    monkeypatch.setattr(package_pdf, "fonts_register", lambda: ("Helvetica", "Helvetica-Bold"))


@pytest.fixture
def supporters(campaign, confirm_many):
    """Public and private signers, one of whom later withdraws; one e-mail address is planted."""
    public = confirm_many(3, prefix="public", show_name=True, comment="Stop the raids.")
    private = confirm_many(2, prefix="private", comment="Private words", postal_code="75011")
    planted = confirm_many(1, prefix="x", name="Hidden Person", country="FR")[0]
    from groundswell.signatures.models import Signature

    Signature.objects.filter(pk=planted.pk).update(email=PLANTED_EMAIL)
    signature_withdraw(signature=private[1], reason="withdrawn")
    return public, private, planted


def build(campaign, user=None, **fields) -> DeliveryPackage:
    package = delivery_package_request(campaign=campaign, user=user, **fields)
    delivery_package_build(package_id=package.pk)
    package.refresh_from_db()
    return package


def test_the_package_lists_exactly_the_checkpoints_live_signatures(
    campaign, owner, supporters, readable_pdf
):
    package = build(campaign, owner)

    assert package.status == PackageStatus.DONE
    assert package.progress == 100
    campaign.refresh_from_db()
    assert package.signature_count == package.checkpoint.live_count == campaign.signature_count == 5
    directory = package_directory(package)
    manifest = json.loads((directory / package.manifest_name).read_text())
    assert manifest["format"] == "groundswell-delivery-manifest/v1"
    assert manifest["signature_count"] == manifest["checkpoint"]["live_count"] == 5
    assert manifest["checkpoint"] == package.checkpoint.to_json()
    rows = list(csv.DictReader(io.StringIO((directory / package.csv_name).read_text())))
    assert len(rows) == manifest["files"]["csv"]["rows"] == 5
    assert [row["number"] for row in rows] == ["1", "2", "3", "4", "5"]


def test_the_manifest_holds_the_hashes_of_the_files(campaign, supporters):
    package = build(campaign)
    directory = package_directory(package)
    manifest = json.loads((directory / package.manifest_name).read_text())

    for kind, name in (("pdf", package.pdf_name), ("csv", package.csv_name)):
        content = (directory / name).read_bytes()
        assert manifest["files"][kind]["sha256"] == hashlib.sha256(content).hexdigest()
        assert manifest["files"][kind]["bytes"] == len(content)
    assert manifest["files"]["pdf"]["pages"] == package.page_count


def test_only_public_names_and_comments_and_no_email_or_full_postal_code(
    campaign, supporters, readable_pdf
):
    package = build(campaign)

    directory = package_directory(package)
    rows = list(csv.DictReader(io.StringIO((directory / package.csv_name).read_text())))
    assert [row["name"] for row in rows] == ["Signer 0", "Signer 1", "Signer 2", "", ""]
    assert [row["comment"] for row in rows] == ["Stop the raids."] * 3 + ["", ""]
    assert [row["postal_area"] for row in rows] == ["N1", "N1", "N1", "75", "N1"]
    assert [row["country"] for row in rows] == ["GB", "GB", "GB", "GB", "FR"]
    everything = b"".join(path.read_bytes() for path in directory.iterdir())
    text = pdf_text(directory / package.pdf_name)
    for secret in (PLANTED_EMAIL, "Hidden Person", "Private words", "N1 9GU", "75011"):
        assert secret.encode() not in everything
        assert secret not in text
    readable = (directory / package.csv_name).read_text() + (
        directory / "manifest.json"
    ).read_text()
    assert "@" not in readable + text
    assert "Name withheld" in text
    assert "Signer 0" in text


def test_the_pdf_has_numbered_pages_and_a_running_count(campaign, confirm_many, readable_pdf):
    confirm_many(150, show_name=True)

    package = build(campaign)

    path = package_directory(package) / package.pdf_name
    assert path.read_bytes().startswith(b"%PDF-")
    pages = pdf_page_count(path)
    assert pages == package.page_count >= 5
    text = pdf_text(path)
    assert "(Signatures 1–53 of 150)" in text
    assert re.search(r"\(Signatures \d+–150 of 150\)", text)
    assert text.count("Page ") >= pages
    assert f"({pages:,})" in text  # the total, drawn once in the page-count form


def test_the_pdf_holds_the_cover_letter_petition_and_counts(
    campaign, supporters, readable_pdf, monkeypatch
):
    from groundswell.delivery.services import package_documents

    class Figures:
        partners = [type("Partner", (), {"name": "Migrant Justice Network", "signature_count": 4})]
        unattributed_count = 1

    monkeypatch.setattr(package_documents, "coalition_figures", lambda *, campaign: Figures)

    package = build(campaign, cover_letter="Dear Ms Whitfield,\n\nPlease <listen> & act.")

    text = pdf_text(package_directory(package) / package.pdf_name)
    assert "Please <listen> & act." in text
    assert "Cancel the contract." in text  # the ask
    assert "Migrant Justice Network" in text
    assert "No partner (signed directly)" in text
    assert "United Kingdom" in text
    assert "France" in text


def test_the_zip_holds_everything_a_target_needs_to_verify(campaign, supporters):
    package = build(campaign)

    with zipfile.ZipFile(package_directory(package) / package.zip_name) as archive:
        names = set(archive.namelist())
        checkpoint = json.loads(archive.read(f"checkpoint-{package.checkpoint.tree_size}.json"))

    assert names == {
        package.pdf_name,
        package.csv_name,
        "manifest.json",
        f"checkpoint-{package.checkpoint.tree_size}.json",
        "checkpoint-key.pem",
        "README.txt",
    }
    assert checkpoint == package.checkpoint.to_json()


def test_a_package_of_a_campaign_without_signatures_is_built(campaign):
    package = build(campaign)

    assert package.status == PackageStatus.DONE
    assert package.signature_count == 0


def test_while_a_package_is_queued_asking_again_returns_it(campaign, owner):
    first = delivery_package_request(campaign=campaign, user=owner)
    second = delivery_package_request(campaign=campaign, user=owner)

    assert first.pk == second.pk


def test_a_built_package_is_not_built_twice(campaign, supporters):
    package = build(campaign)

    assert not delivery_package_build(package_id=package.pk)


def test_a_failed_build_records_only_the_error_class(campaign, supporters, monkeypatch):
    from groundswell.delivery.services import package_documents

    def broken(**kwargs):
        raise RuntimeError("Signer 0 <planted-secret@example.org>")

    monkeypatch.setattr(package_documents, "live_signatories", broken)

    package = build(campaign)

    assert package.status == PackageStatus.FAILED
    assert package.error == "RuntimeError"


def test_a_list_that_disagrees_with_the_checkpoint_is_not_delivered(
    campaign, supporters, monkeypatch
):
    from groundswell.delivery.services import package_documents

    real = package_documents.live_signatories
    monkeypatch.setattr(
        package_documents, "live_signatories", lambda **kwargs: list(real(**kwargs))[:-1]
    )

    package = build(campaign)

    assert package.status == PackageStatus.FAILED
    assert package.error == "PackageCountMismatch"


def test_a_package_uses_the_checkpoint_made_for_it(campaign, supporters, confirm_many):
    earlier = checkpoint_create(campaign=campaign)
    confirm_many(2, prefix="later")

    package = build(campaign)

    assert package.checkpoint.tree_size == earlier.tree_size + 2
    assert package.signature_count == earlier.live_count + 2


def test_other_apps_can_add_sections(campaign, supporters, readable_pdf):
    def letters(*, campaign):
        yield PackageSection(
            title="Open letter from scientists",
            paragraphs=["We, the undersigned scientists, ..."],
            columns=[Column("Name", 0.5), Column("Affiliation", 0.5)],
            rows=iter([("Dr. Ada Lovelace", "Analytical Engines Ltd")]),
        )

    package_section_provider_add(letters)
    try:
        package = build(campaign)
    finally:
        _providers.remove(letters)

    text = pdf_text(package_directory(package) / package.pdf_name)
    assert "Open letter from scientists" in text
    assert "Analytical Engines Ltd" in text
    assert package.signature_count == 5


def test_the_sweep_requeues_a_package_whose_build_was_lost(campaign, supporters):
    from datetime import timedelta

    from django.utils import timezone

    from groundswell.delivery.tasks import delivery_sweep

    package = DeliveryPackage.objects.create(campaign=campaign, directory="lost")
    DeliveryPackage.objects.filter(pk=package.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )

    delivery_sweep()

    package.refresh_from_db()
    assert package.status == PackageStatus.DONE


def test_a_builder_that_died_is_replaced_then_given_up_on(campaign, supporters):
    from datetime import timedelta

    from django.utils import timezone

    from groundswell.delivery.services.packages import (
        MAX_BUILD_ATTEMPTS,
        delivery_packages_fail_exhausted,
    )

    long_ago = timezone.now() - timedelta(hours=1)
    package = DeliveryPackage.objects.create(
        campaign=campaign, directory="dead", status=PackageStatus.RUNNING, heartbeat_at=long_ago
    )
    assert delivery_package_build(package_id=package.pk)

    DeliveryPackage.objects.filter(pk=package.pk).update(
        status=PackageStatus.RUNNING, heartbeat_at=long_ago, attempts=MAX_BUILD_ATTEMPTS
    )
    assert not delivery_package_build(package_id=package.pk)
    assert delivery_packages_fail_exhausted() == 1
    package.refresh_from_db()
    assert (package.status, package.error) == (PackageStatus.FAILED, "BuilderLost")


def test_the_database_refuses_a_second_active_package(campaign):
    from django.db import IntegrityError, transaction

    DeliveryPackage.objects.create(campaign=campaign, directory="a")
    DeliveryPackage.objects.create(campaign=campaign, directory="b", status=PackageStatus.DONE)

    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryPackage.objects.create(
            campaign=campaign, directory="c", status=PackageStatus.RUNNING
        )
