"""Benchmark: a campaign's transparency log and delivery package at 300,000 signatures.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/gs_bench
    .venv/bin/python bench/bench_delivery.py [--signatures 300000 --fresh 20000 --proofs 200]

A throwaway test database is created (test_<name>), 300,000 confirmed signatures are copied in
with COPY, then it measures:
  1. appending every signature to the log (the batched extension task's service) in leaves/s,
     for a backlog (signers confirmed long ago: no receipt e-mails) and for fresh confirmations
     (one receipt e-mail queued per leaf, in the outbox);
  2. signing a checkpoint (a full scan for stragglers, then the root from the node table);
  3. an inclusion proof from the database node store, through the HTTP view: p50/p99 of 200;
  4. building the delivery package (PDF + CSV + manifest + ZIP) in a child process, its wall
     time and peak RSS.
Baselines of the same run: reading the same rows with `values_list().iterator()` (time), a
child process that only starts Django and reads those rows (peak RSS), and GET /healthz (latency).
Targets from issue 5: a proof under 50 ms; the 300,000-signature package under 2 minutes and
500 MB peak RSS. (The 1,000,000-leaf root under 10 s is the library's: bench/bench_merkle.py.)
Exits 1 when a target is missed.
"""

import argparse
import io
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("EMAIL_URL", "dummy://")
# Tasks are published to an in-process queue and never run: the receipt e-mails stay in the
# outbox, as they would while the workers catch up.
os.environ.setdefault("CELERY_BROKER_URL", "memory://")
warnings.filterwarnings("ignore", "No directory at")

PROOF_TARGET_MS = 50.0
PACKAGE_TARGET_S = 120.0
PACKAGE_TARGET_MB = 500.0
FIRST_NAMES = ["Amara", "Ben", "Carmen", "Deepa", "Elif", "Farid", "Grace", "Hiro", "Zoë", "Иван"]
LAST_NAMES = ["Abara", "Becker", "García", "Haddad", "Nguyen", "Okafor", "Petrov", "Tanaka"]
COUNTRIES = ["GB", "US", "FR", "DE", "ES", "MX", "NG", "IN", "BR", "CA"]
COMMENTS = [
    "",
    "",
    "",
    "The contract funds raids on our neighbours.",
    "As a Northwind customer for ten years, I will move my company's data elsewhere if this "
    "contract is renewed. Please publish the terms of every contract with enforcement agencies.",
]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def seed(campaign_id: int, count: int, *, first: int, confirmed_days_ago: float) -> None:
    """COPY `count` confirmed signatures into the campaign (tens of thousands of rows a second)."""
    from django.db import connection
    from django.utils import timezone

    rng = random.Random(first)
    confirmed = timezone.now() - timedelta(days=confirmed_days_ago)
    columns = (
        "campaign_id, public_id, name, email, email_key, country, postal_code, comment, "
        "show_name, source, created_at, confirmed_at, notified_at"
    )
    buffer = io.StringIO()
    for number in range(first, first + count):
        at = (confirmed + timedelta(milliseconds=number)).isoformat()
        email = f"signer{number}@example.org"
        comment = rng.choice(COMMENTS)
        buffer.write(
            "\t".join(
                [
                    str(campaign_id),
                    f"bench{number:027d}",
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    email,
                    email,
                    rng.choice(COUNTRIES),
                    f"{rng.randrange(10000, 99999)}",
                    comment,
                    "t" if rng.random() < 0.6 else "f",
                    "",
                    at,
                    at,
                    at,
                ]
            )
            + "\n"
        )
    buffer.seek(0)
    statement = f"COPY signatures_signature ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def raw_read(campaign_id: int) -> int:
    from groundswell.signatures.models import Signature

    rows = Signature.objects.filter(campaign_id=campaign_id, confirmed_at__isnull=False)
    count = 0
    for _row in rows.values_list("name", "show_name", "country", "postal_code", "comment").iterator(
        chunk_size=2000
    ):
        count += 1
    return count


def child(mode: str, campaign_id: int, package_id: int) -> int:
    """Runs in a fresh process so that its peak RSS is its own."""
    import django

    django.setup()
    started = time.perf_counter()
    if mode == "baseline":
        raw_read(campaign_id)
    else:
        from groundswell.delivery.services.packages import delivery_package_build

        assert delivery_package_build(package_id=package_id)
    elapsed = time.perf_counter() - started
    print(f"{elapsed:.3f} {peak_rss_mb():.1f}")
    return 0


def peak_rss_mb() -> float:
    """This process's own peak RSS. Not getrusage's ru_maxrss: Linux carries it over from the
    parent through fork and exec, so a child would report at least its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(
    mode: str, database_url: str, campaign_id: int, package_id: int
) -> tuple[float, float]:
    env = dict(os.environ, DATABASE_URL=database_url)
    output = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(campaign_id), str(package_id)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(output[-2]), float(output[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signatures", type=int, default=300_000)
    parser.add_argument("--fresh", type=int, default=20_000, help="confirmations with receipts")
    parser.add_argument("--proofs", type=int, default=200)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, campaign_id, package_id = args.child
        return child(mode, int(campaign_id), int(package_id))

    workdir = Path(tempfile.mkdtemp(prefix="gs-bench-delivery-"))
    from groundswell.transparency.checkpoints import generate_private_key, private_key_to_pem

    key_file = workdir / "checkpoint-key.pem"
    key_file.write_bytes(private_key_to_pem(generate_private_key()))
    os.environ["CHECKPOINT_SIGNING_KEY_FILE"] = str(key_file)
    os.environ["MEDIA_ROOT"] = str(workdir / "media")

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    if connection.vendor != "postgresql":
        print("bench_delivery needs PostgreSQL: set DATABASE_URL=postgres://...", file=sys.stderr)
        return 2
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    test_database = settings.DATABASES["default"]["NAME"]
    database_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + test_database
    missed = []
    try:
        from groundswell.accounts.models import Organization
        from groundswell.campaigns.models import Campaign, CampaignStatus
        from groundswell.campaigns.services import campaign_create
        from groundswell.core.models import OutboundEmail
        from groundswell.delivery.models import DeliveryPackage
        from groundswell.signatures.services import signature_count_recount
        from groundswell.transparency.models import LogHead
        from groundswell.transparency.services.log import (
            checkpoint_create,
            transparency_log_extend_all,
        )

        organization = Organization.objects.create(name="Bench coalition", slug="bench")
        campaign = campaign_create(
            organization=organization,
            data={
                "slug": "bench-petition",
                "title": "Cancel the contract",
                "ask": "Cancel the $19.4 million contract.",
                "background": "Northwind Cloud hosts **the system**.\n\n- Cancel it.\n- Publish.",
                "target_name": "Dana Whitfield",
                "target_title": "CEO",
                "target_organization": "Northwind Cloud",
                "goal": 500_000,
            },
        )
        Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.OPEN)
        started = time.perf_counter()
        seed(campaign.pk, args.signatures, first=0, confirmed_days_ago=30)
        signature_count_recount(campaign=campaign)
        analyze()
        print(
            f"# {connection.vendor} {connection.Database.__name__}, {args.signatures:,} confirmed "
            f"signatures seeded in {time.perf_counter() - started:.1f} s"
        )

        started = time.perf_counter()
        read = raw_read(campaign.pk)
        raw_s = time.perf_counter() - started
        print(f"raw.values_list_iteration_s {raw_s:.2f} ({read:,} rows; baseline)")

        started = time.perf_counter()
        appended = transparency_log_extend_all(campaign_id=campaign.pk)
        extend_s = time.perf_counter() - started
        print(
            f"log.extend_backlog {appended / extend_s:,.0f} leaves/s ({appended:,} leaves in "
            f"{extend_s:.1f} s; {extend_s / raw_s:.1f}x the raw read; no receipt e-mails)"
        )

        seed(campaign.pk, args.fresh, first=args.signatures, confirmed_days_ago=0)
        signature_count_recount(campaign=campaign)
        analyze()
        started = time.perf_counter()
        fresh = transparency_log_extend_all(campaign_id=campaign.pk)
        fresh_s = time.perf_counter() - started
        receipts = OutboundEmail.objects.filter(kind="signature-receipt").count()
        print(
            f"log.extend_fresh {fresh / fresh_s:,.0f} leaves/s ({fresh:,} leaves in "
            f"{fresh_s:.1f} s, {receipts:,} receipt e-mails queued in the outbox)"
        )

        started = time.perf_counter()
        checkpoint = checkpoint_create(campaign=campaign)
        checkpoint_s = time.perf_counter() - started
        campaign.refresh_from_db()
        head = LogHead.objects.get(pk=campaign.pk)
        assert checkpoint.live_count == campaign.signature_count == head.size
        print(
            f"log.checkpoint_s {checkpoint_s:.2f} (tree size {checkpoint.tree_size:,}, full scan "
            "for stragglers + root from the node table)"
        )
        analyze()

        client = Client()
        rng = random.Random(6962)

        def timed(urls: list[str]) -> list[float]:
            for url in urls[:20]:
                client.get(url)
            samples = []
            for url in urls:
                started = time.perf_counter()
                response = client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            return samples

        base = timed(["/healthz"] * args.proofs)
        size = checkpoint.tree_size
        proof_urls = [
            f"/p/{campaign.slug}/log/inclusion.json?leaf_index={rng.randrange(size)}"
            f"&tree_size={size}"
            for _ in range(args.proofs)
        ]
        proofs = timed(proof_urls)
        p50, p99 = statistics.median(proofs), percentile(proofs, 0.99)
        base50 = statistics.median(base)
        print(f"http.healthz_ms p50 {base50:.2f} p99 {percentile(base, 0.99):.2f} (baseline)")
        print(
            f"log.inclusion_proof_http_ms p50 {p50:.2f} p99 {p99:.2f} "
            f"({p50 / base50:.1f}x healthz; target < {PROOF_TARGET_MS:g} ms)"
        )
        if p99 >= PROOF_TARGET_MS:
            missed.append("inclusion proof")

        package = DeliveryPackage.objects.create(campaign=campaign, directory="bench")
        connection.close()  # the children use their own connections
        base_s, base_mb = run_child("baseline", database_url, campaign.pk, package.pk)
        print(
            f"process.django_plus_raw_read peak_rss {base_mb:.0f} MB, {base_s:.1f} s "
            "(baseline: a bare process reading the same rows)"
        )
        package_s, package_mb = run_child("package", database_url, campaign.pk, package.pk)
        package.refresh_from_db()
        print(
            f"package.build_s {package_s:.1f} ({package.signature_count:,} signatures, "
            f"{package.page_count:,} pages; {package_s / base_s:.0f}x the baseline's read; "
            f"target < {PACKAGE_TARGET_S:g} s)"
        )
        print(
            f"package.peak_rss {package_mb:.0f} MB ({package_mb / base_mb:.1f}x the baseline "
            f"process; target < {PACKAGE_TARGET_MB:g} MB)"
        )
        directory = Path(settings.MEDIA_ROOT) / "deliveries" / "packages" / "bench"
        sizes = {path.name: path.stat().st_size for path in directory.iterdir()}
        print(
            "# files: " + ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in sizes.items())
        )
        if package_s >= PACKAGE_TARGET_S:
            missed.append("package time")
        if package_mb >= PACKAGE_TARGET_MB:
            missed.append("package memory")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    if missed:
        print(f"MISSED: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
