"""Paper signatures from a CSV file: mapped, checked row by row, deduplicated, counted apart,
and resumable without doubles."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from groundswell.signatures.models import ImportBatch, Signature
from groundswell.signatures.selectors import channel_breakdown
from groundswell.signatures.services import paper as paper_service
from groundswell.signatures.services.paper import paper_import

pytestmark = pytest.mark.django_db

SHEET = (
    "Nombre,Apellido,Correo,País,CP,Contact\n"
    "Ana,García,ana@example.org,ES,28001,x\n"
    "Ben,Ode,not-an-address,GB,,\n"
    "Cleo,Moss,ADA@example.org,GB,,\n"
    "Dev,Rao,dev@example.org,IN,,\n"
    "Dev,Again,dev+paper@example.org,IN,,\n"
)
MAPPING = {"Nombre": "first_name", "Apellido": "last_name", "Correo": "email", "País": "country",
           "CP": "postal_code", "Contact": "contact_host"}  # fmt: skip


def test_it_imports_valid_rows_and_reports_the_others_by_row_number(campaign, signed):
    signed(email="ada@example.org")

    report = paper_import(
        campaign=campaign, data=SHEET.encode(), label="Rally 12 May", mapping_overrides=MAPPING
    )

    assert (report.created, report.duplicates, report.invalid) == (2, 2, 1)
    assert [(error.row, error.field) for error in report.errors] == [(2, "email")]
    ana = Signature.objects.get(email="ana@example.org")
    assert (ana.channel, ana.batch, ana.confirmed_by, ana.name) == (
        "paper", "Rally 12 May", "organizer", "Ana García",
    )  # fmt: skip
    assert ana.confirmed_at is not None and ana.gave_consent


def test_paper_signatures_are_counted_apart(campaign, run_on_commit):
    with run_on_commit():
        paper_import(
            campaign=campaign, data=SHEET.encode(), label="Rally", mapping_overrides=MAPPING
        )
    campaign.refresh_from_db()

    breakdown = channel_breakdown(campaign=campaign)

    assert campaign.signature_count == 3
    assert breakdown["paper"] == 3 and breakdown["online"] == 0


def test_an_interrupted_import_resumes_without_doubles(campaign, monkeypatch):
    real = paper_service.signatures_vouched_record
    calls = {"count": 0}

    def failing_on_second_chunk(**kwargs):
        calls["count"] += 1
        if calls["count"] == 2:
            raise KeyboardInterrupt
        return real(**kwargs)

    monkeypatch.setattr(paper_service, "signatures_vouched_record", failing_on_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        paper_import(campaign=campaign, data=SHEET.encode(), label="R", mapping_overrides=MAPPING,
                     chunk_size=1)  # fmt: skip
    assert Signature.objects.count() == 1
    monkeypatch.setattr(paper_service, "signatures_vouched_record", real)

    report = paper_import(
        campaign=campaign, data=SHEET.encode(), label="R", mapping_overrides=MAPPING, chunk_size=1
    )

    assert report.skipped_already_imported == 1
    assert Signature.objects.count() == 3
    batch = ImportBatch.objects.get()
    assert (batch.last_row, batch.created_count, batch.finished_at is not None) == (5, 3, True)


def test_the_same_file_imported_again_changes_nothing(campaign):
    paper_import(campaign=campaign, data=SHEET.encode(), label="R", mapping_overrides=MAPPING)

    report = paper_import(
        campaign=campaign, data=SHEET.encode(), label="R", mapping_overrides=MAPPING
    )

    assert report.created == 0 and report.skipped_already_imported == 5
    assert Signature.objects.count() == 3


def test_the_command_maps_columns_and_prints_a_summary(campaign, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(SHEET)
    out, err = io.StringIO(), io.StringIO()
    maps = [f"--map={column}={name}" for column, name in MAPPING.items()]

    call_command("import", campaign.slug, str(sheet), "--batch", "Rally", "--no-progress", *maps,
                 stdout=out, stderr=err)  # fmt: skip

    assert "3 recorded" in out.getvalue()
    assert "row 2: email" in err.getvalue()


def test_it_refuses_a_mapping_without_an_email_column(campaign):
    with pytest.raises(ValueError, match="email"):
        paper_import(campaign=campaign, data=b"a,b\n1,2\n", label="R")


def test_the_upload_page_imports_with_a_mapping_and_reports_rows(client, owner, campaign):
    client.force_login(owner)
    columns = {f"column_{name}": column for column, name in MAPPING.items()}

    response = client.post(
        reverse("organizer:campaign_paper_import", args=[campaign.slug]),
        {"file": SimpleUploadedFile("sheet.csv", SHEET.encode()), "label": "Rally", **columns},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="import-report"' in body
    assert "<td>2</td><td>email</td>" in body
    assert Signature.objects.filter(channel="paper").count() == 3
