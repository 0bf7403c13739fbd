"""Coalition figures for a 1,000,000-signature campaign across 10 partners, read without scans.

Seeds a fresh PostgreSQL database with SQL (generate_series), then measures in one process:
  - the public JSON (count, per-partner counts) and the organizer partners page (overlap and
    inflation), which read maintained counters;
  - the trivial view /healthz as the baseline of the same Django process;
  - the naive alternative the counters replace: GROUP BY partner and the overlap query over all
    rows, as every page view would otherwise run them;
  - the reconciliation job (counts_reconcile) that proves the tallies equal a recount.
Run: .venv/bin/python bench/bench_coalitions.py [--signatures N]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def timed(function, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def describe(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return f"p50 {statistics.median(ordered):.2f} ms, p99 {p99:.2f} ms"


def seed(url: str, signatures: int, partners: int) -> None:
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("INSERT INTO accounts_organization (name, slug, website, logo, created_at) "
                   "SELECT 'Org ' || n, 'org-' || n, '', '', now() FROM generate_series(0, %s) n",
                   (partners,))  # fmt: skip
        host = db.execute("SELECT id FROM accounts_organization WHERE slug = 'org-0'").fetchone()[0]
        campaign = db.execute(
            "INSERT INTO campaigns_campaign (organization_id, slug, title, ask, background, "
            "background_html, target_name, target_title, target_organization, goal, status, "
            "signature_count, created_at, updated_at) VALUES (%s, 'big', 'Big', 'Ask', '', '', "
            "'T', '', '', 1000000, 'open', 0, now(), now()) RETURNING id",
            (host,),
        ).fetchone()[0]
        db.execute(
            "INSERT INTO coalitions_partner (campaign_id, organization_id, slug, created_at, "
            "signature_count) SELECT %s, id, slug, now(), 0 FROM accounts_organization "
            "WHERE slug <> 'org-0'",
            (campaign,),
        )
        ids = [row[0] for row in db.execute("SELECT id FROM coalitions_partner ORDER BY id")]
        # 90% of signers came through a partner (round robin), 10% through none.
        db.execute(
            "INSERT INTO signatures_signature (campaign_id, public_id, name, email, email_key, "
            "country, postal_code, comment, show_name, source, partner_id, created_at, "
            "confirmed_at) SELECT %s, 'p' || n, 'Signer ' || n, 's' || n || '@example.org', "
            "'s' || n || '@example.org', 'US', '10001', '', n %% 2 = 0, '', "
            "CASE WHEN n %% 10 = 0 THEN NULL ELSE (%s::bigint[])[1 + n %% %s] END, "
            "now() - (n || ' seconds')::interval, now() FROM generate_series(1, %s) n",
            (campaign, ids, len(ids), signatures),
        )
        db.execute(
            "INSERT INTO coalitions_partnerreferral (signature_id, partner_id, created_at) "
            "SELECT id, partner_id, created_at FROM signatures_signature "
            "WHERE partner_id IS NOT NULL"
        )
        # One signer in 20 also came through the next partner: the overlap to measure.
        db.execute(
            "INSERT INTO coalitions_partnerreferral (signature_id, partner_id, created_at) "
            "SELECT s.id, (%s::bigint[])[1 + (array_position(%s::bigint[], s.partner_id) %% %s)], "
            "s.created_at FROM signatures_signature s WHERE s.partner_id IS NOT NULL "
            "AND s.id %% 20 = 0",
            (ids, ids, len(ids)),
        )
        db.execute("ANALYZE")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signatures", type=int, default=1_000_000)
    parser.add_argument("--partners", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    name = f"groundswell_bench_coalitions_{int(time.time())}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-" + "x" * 50, LOG_LEVEL="WARNING")
    try:
        subprocess.run([sys.executable, "-m", "groundswell", "migrate", "-v", "0"], env=env,
                       check=True, cwd=ROOT)  # fmt: skip
        started = time.perf_counter()
        seed(url, args.signatures, args.partners)
        print(f"seed {args.signatures} signatures, {args.partners} partners: "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip

        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "groundswell.config.settings"
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.db import connection
        from django.test import Client

        from groundswell.accounts.models import Membership, Role, User
        from groundswell.campaigns.models import Campaign
        from groundswell.signatures.tallies import counts_reconcile

        campaign = Campaign.objects.get(slug="big")
        started = time.perf_counter()
        changes = counts_reconcile(campaign=campaign)  # the seed bypassed the tallies
        recount_s = time.perf_counter() - started
        print(f"reconciliation building the tallies from the rows ({len(changes)} repairs): "
              f"{recount_s:.2f} s")  # fmt: skip
        started = time.perf_counter()
        again = counts_reconcile(campaign=campaign)
        verify_s = time.perf_counter() - started
        print(f"reconciliation finding nothing to repair ({len(again)} repairs): {verify_s:.2f} s")

        user = User.objects.create_user("bench", password="x")
        Membership.objects.create(user=user, organization=campaign.organization, role=Role.VIEWER)
        client = Client()
        client.force_login(user)
        for path in ("/healthz", "/p/big.json", "/organizer/campaigns/big/partners/"):
            client.get(path)
        baseline = timed(lambda: client.get("/healthz"), args.repeat)
        public_json = timed(lambda: client.get("/p/big.json"), args.repeat)
        partners_page = timed(lambda: client.get("/organizer/campaigns/big/partners/"), args.repeat)

        def naive() -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT partner_id, count(*) FROM signatures_signature WHERE campaign_id = %s "
                    "AND confirmed_at IS NOT NULL GROUP BY partner_id", [campaign.pk])  # fmt: skip
                cursor.fetchall()
                cursor.execute(
                    "SELECT count(*) FROM (SELECT r.signature_id FROM coalitions_partnerreferral r "
                    "JOIN signatures_signature s ON s.id = r.signature_id WHERE s.campaign_id = %s "
                    "AND s.confirmed_at IS NOT NULL GROUP BY r.signature_id HAVING count(*) > 1) m",
                    [campaign.pk])  # fmt: skip
                cursor.fetchone()

        naive_samples = timed(naive, 5)
        data = client.get("/p/big.json").json()
        total = sum(p["signature_count"] for p in data["partners"]) + data["unattributed_count"]
        assert total == data["signature_count"] == args.signatures, (total, data["signature_count"])
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    base = statistics.median(baseline)
    print(f"baseline.healthz_in_process {describe(baseline)}")
    print(f"coalition.public_json {describe(public_json)} "
          f"(ratio to baseline {statistics.median(public_json) / base:.1f}x)")  # fmt: skip
    print(f"coalition.partners_page {describe(partners_page)} "
          f"(ratio to baseline {statistics.median(partners_page) / base:.1f}x)")  # fmt: skip
    print(
        f"coalition.naive_full_scan_per_view {describe(naive_samples)} "
        f"(what each view would cost without counters: "
        f"{statistics.median(naive_samples) / statistics.median(public_json):.0f}x the JSON)"
    )
    print(f"coalition.reconciliation_s {verify_s:.2f} (a full recount that repairs nothing)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
