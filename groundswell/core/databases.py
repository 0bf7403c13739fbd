from django.conf import settings


def reporting_database() -> str:
    """Where long reads (exports, delivery packages, reports) go: the replica when there is one.

    A replica lags the primary by a moment; exports tolerate that, the signing path never reads
    from it.
    """
    return "replica" if "replica" in settings.DATABASES else "default"
