# Consent, PartnerReferral, PendingChange and CoalitionTally are about a signature or the count:
# they move to the signatures app (issue 13). State only: the tables keep their coalitions_
# names and no row is touched.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('coalitions', '0005_report_memberships_from_partner_invitations'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='CoalitionTally'),
                migrations.DeleteModel(name='Consent'),
                migrations.DeleteModel(name='PartnerReferral'),
                migrations.DeleteModel(name='PendingChange'),
            ],
            database_operations=[],
        ),
    ]
