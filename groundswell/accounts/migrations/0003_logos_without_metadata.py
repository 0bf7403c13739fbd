"""Logos uploaded before logos were re-encoded at upload still carry what a camera wrote in them
(where a photo was taken, whose camera) and the uploaded file's name: each is re-encoded once,
as an upload now is, and the old file deleted once this commits. A logo whose file is missing
or cannot be read is left as it is."""

from functools import partial

from django.core.files.storage import default_storage
from django.db import migrations, transaction

# As accounts.forms.LOGO_LONGEST_SIDE when this was written.
LONGEST_SIDE = 1024


def logos_reencode(apps, schema_editor):
    from groundswell.core.image_uploads import image_without_metadata

    Organization = apps.get_model("accounts", "Organization")
    for organization in Organization.objects.exclude(logo="").only("pk", "logo"):
        old = organization.logo.name
        try:
            with default_storage.open(old, "rb") as file:
                content = image_without_metadata(file, name="logo", longest_side=LONGEST_SIDE)
        except (OSError, ValueError):
            continue
        new = default_storage.save(f"logos/{content.name}", content)
        Organization.objects.filter(pk=organization.pk).update(logo=new)
        transaction.on_commit(partial(default_storage.delete, old))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_refuse_invisible_and_control_characters")]

    operations = [migrations.RunPython(logos_reencode, migrations.RunPython.noop)]
