"""Name the owner of the e-mails stored before e-mails named their owner, so that erasing a
signer erases them too. Found from the links they carry (whose tokens hold the signature's public
id) and from `Signatory.verification_email`. Notices of a text change carry no personal link and
stay unnamed: EMAIL_RETENTION_DAYS deletes them with every other sent e-mail."""

import json
import re

from django.db import migrations

# /p/<slug>/confirm/<public id>:<time>:<signature>/, .../withdraw/..., .../receipt/<id>:<sig>/
PUBLIC_ID_IN_LINK = re.compile(r"/(?:confirm|withdraw|receipt)/([A-Za-z0-9_-]{1,32}):")
BATCH = 2000


def name_owners(apps, schema_editor):
    OutboundEmail = apps.get_model("core", "OutboundEmail")
    Signature = apps.get_model("signatures", "Signature")
    Signatory = apps.get_model("letters", "Signatory")

    verifications = Signatory.objects.exclude(verification_email=None).values_list(
        "pk", "verification_email_id"
    )
    for signatory_id, email_id in verifications.iterator(chunk_size=BATCH):
        OutboundEmail.objects.filter(pk=email_id).update(signatory_id=signatory_id)

    unnamed = OutboundEmail.objects.filter(
        signature__isnull=True, signatory__isnull=True, kind__startswith="signature-"
    ).values_list("pk", "body", "context")
    last = 0
    while True:
        rows = list(unnamed.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not rows:
            break
        last = rows[-1][0]
        by_public_id = {}
        for pk, body, context in rows:
            match = PUBLIC_ID_IN_LINK.search(f"{body}\n{json.dumps(context)}")
            if match:
                by_public_id.setdefault(match.group(1), []).append(pk)
        owners = Signature.objects.filter(public_id__in=list(by_public_id)).values_list(
            "public_id", "pk"
        )
        for public_id, signature_id in owners:
            OutboundEmail.objects.filter(pk__in=by_public_id[public_id]).update(
                signature_id=signature_id
            )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_outbox_owner_and_retention"),
    ]

    operations = [migrations.RunPython(name_owners, migrations.RunPython.noop)]
