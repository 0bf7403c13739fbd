"""Benchmark: an open letter with 50,000 signatories, its public page and searches.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gs_bench .venv/bin/python bench/bench_letters.py
    .venv/bin/python bench/bench_letters.py --signatories 50000 --requests 300   # SQLite

A throwaway test database is created (test_<name> on PostgreSQL, a temporary file for SQLite),
filled in bulk, analysed, then requests go through django.test.Client (full middleware and
templates, no network). /healthz, which touches no database, is the baseline of the same run.
Prints one line per figure: p50 and p99 in milliseconds, and their ratio to the baseline.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.config.settings")
os.environ.setdefault("SIGNING_RATE_LIMIT_PER_MINUTE", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

FIRST_NAMES = [
    "Amara", "Ben", "Carmen", "Deepa", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kofi",
    "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tomás", "Uma", "Viktor",
    "Wen", "Ximena", "Yusuf", "Zoe",
]  # fmt: skip
LAST_NAMES = [
    "Abara", "Becker", "Castillo", "Dubois", "Eriksen", "Fofana", "García", "Haddad", "Ito",
    "Jensen", "Kowalski", "López", "Mensah", "Nguyen", "Okafor", "Petrov", "Quispe", "Rossi",
    "Singh", "Tanaka", "Usman", "Varga", "Walker", "Yilmaz", "Zhang",
]  # fmt: skip
AFFILIATIONS = [
    "Northwind Cloud", "Northwind Cloud, Storage", "Northwind Cloud, Support",
    "Lakeside University", "Harbor State University", "Eastmoor University",
    "Institute of Public Technology",
]  # fmt: skip


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def seed(count: int, rng: random.Random) -> str:
    from django.db import connection

    from groundswell.accounts.models import Organization
    from groundswell.letters.models import (
        LISTED_DISPLAYS,
        DisplayChoice,
        Signatory,
        SignatoryStatus,
    )
    from groundswell.letters.services.counting import letter_counts_recount
    from groundswell.letters.services.letters import (
        letter_category_create,
        letter_create,
        letter_transition,
    )
    from groundswell.letters.services.listing import search_terms_create

    organization = Organization.objects.create(name="Bench coalition", slug="bench")
    letter = letter_create(
        organization=organization,
        slug="bench-letter",
        title="Benchmark letter",
        addressee="Dana Whitfield",
        text="We, the undersigned, **object**.\n\n" * 20,
    )
    categories = [
        letter_category_create(
            letter=letter,
            data={"name": "Employees", "slug": "employees", "allowed_domains": ["example.com"]},
        ),
        letter_category_create(
            letter=letter,
            data={
                "name": "Scholars",
                "slug": "scholars",
                "allowed_domains": [".edu"],
                "requires_moderation": True,
                "position": 1,
            },
        ),
    ]
    letter_transition(letter=letter, action="publish")
    version = letter.current_version
    statuses = [SignatoryStatus.APPROVED] * 18 + [
        SignatoryStatus.UNVERIFIED,
        SignatoryStatus.AWAITING_MODERATION,
    ]
    displays = (
        [DisplayChoice.PUBLIC] * 7 + [DisplayChoice.WITHHELD] * 2 + [DisplayChoice.COUNT_ONLY]
    )
    batch = 5000
    for start in range(0, count, batch):
        rows = []
        for number in range(start, min(count, start + batch)):
            status, display = rng.choice(statuses), rng.choice(displays)
            rows.append(
                Signatory(
                    letter=letter,
                    category=rng.choice(categories),
                    version=version,
                    name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    title="Engineer",
                    affiliation=rng.choice(AFFILIATIONS),
                    display=display,
                    status=status,
                    is_listed=status == SignatoryStatus.APPROVED and display in LISTED_DISPLAYS,
                    work_email_hash=f"{number:064x}",
                    work_email_domain="example.com",
                )
            )
        created = Signatory.objects.bulk_create(rows)
        search_terms_create(signatories=created)
    letter_counts_recount(letter=letter)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return letter.slug


def timed(client: object, urls: Callable[[], str], requests: int) -> list[float]:
    samples = []
    for _warmup in range(20):
        client.get(urls())
    for _request in range(requests):
        url = urls()
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signatories", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    # No setup_test_environment(): its template instrumentation would inflate every figure.
    database = settings.DATABASES["default"]
    temporary = None
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # A file, not the default in-memory test database: closer to a real installation.
        temporary = Path(tempfile.mkdtemp()) / "bench_letters.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(temporary)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        rng = random.Random(50_000)
        started = time.perf_counter()
        slug = seed(args.signatories, rng)
        print(
            f"# {connection.vendor} {connection.Database.__name__}, {args.signatories} signatories "
            f"seeded in {time.perf_counter() - started:.1f} s, {args.requests} requests per figure"
        )
        client = Client()
        page = f"/letters/{slug}/"

        def search() -> str:
            name = rng.choice(LAST_NAMES + FIRST_NAMES)
            query = name[: rng.randint(3, len(name))]
            if rng.random() < 0.3:
                query = f"{rng.choice(FIRST_NAMES)} {query}"
            return f"{page}?q={query}"

        figures = {
            "healthz (baseline)": lambda: "/healthz",
            "letter page": lambda: page,
            "letter page, category, page 2": lambda: f"{page}?category=scholars&page=2",
            "letter page, page 400 (deep)": lambda: f"{page}?page=400",
            "letter search": search,
            "letter JSON": lambda: f"/letters/{slug}.json",
        }
        results = {name: timed(client, urls, args.requests) for name, urls in figures.items()}
        base50 = statistics.median(results["healthz (baseline)"])
        base99 = percentile(results["healthz (baseline)"], 0.99)
        for name, samples in results.items():
            p50, p99 = statistics.median(samples), percentile(samples, 0.99)
            print(
                f"{name:32s} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  "
                f"(x{p50 / base50:5.1f} / x{p99 / base99:5.1f} of healthz)"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if temporary is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{temporary}{suffix}").unlink(missing_ok=True)
            temporary.parent.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
