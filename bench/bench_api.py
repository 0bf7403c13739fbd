"""Benchmark: paper import, streamed export, and the API's signature recording rate.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gs_bench .venv/bin/python bench/bench_api.py
    .venv/bin/python bench/bench_api.py --import-rows 200 --export-rows 1000   # tiny, SQLite

1. `paper_import` of --import-rows paper signatures from one CSV file (target: 100,000 < 60 s).
2. The host's CSV export of --export-rows confirmed signatures through the export view,
   consumed as a client would (target: 1,000,000 rows < 30 s, < 200 MB peak RSS: the peak is
   reset just before the export, through /proc/self/clear_refs, and read from VmHWM).
3. With --wrk-url (a running `groundswell serve` whose database has the campaign and key
   printed here... or any), a wrk Lua script that POSTs unique e-mails to
   /api/v1/petitions/<slug>/signatures with a write key; without it, the script is written and
   the wrk command printed.

A throwaway test database is created (test_<name> on PostgreSQL, a temporary file for SQLite).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.config.settings")
os.environ.setdefault("API_RATE_LIMIT", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

WRK_SCRIPT = """-- POSTs a new signature with a unique e-mail on every request.
local counter = 0
local thread_id = 0
function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end
function init(args)
  math.randomseed(os.time() + id)
end
request = function()
  counter = counter + 1
  local email = string.format("wrk-%%d-%%d-%%d@example.org", id, counter, math.random(1e9))
  local body = string.format(
    '{"person":{"given_name":"Wrk","family_name":"Signer","email_addresses":[{"address":"%%s"}],'
    .. '"postal_addresses":[{"country":"GB"}]}}', email)
  return wrk.format("POST", "/api/v1/petitions/%(slug)s/signatures", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer %(key)s",
  }, body)
end
"""


def peak_rss_reset() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--export-rows", type=int, default=1_000_000)
    parser.add_argument("--wrk-url", default="")
    parser.add_argument("--wrk-seconds", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from groundswell.accounts.models import Membership, Organization, Role, User
    from groundswell.api.keys import api_key_create
    from groundswell.campaigns.models import Campaign, CampaignStatus
    from groundswell.campaigns.services import campaign_create
    from groundswell.signatures.email_keys import email_key
    from groundswell.signatures.models import Signature, new_public_id
    from groundswell.signatures.services import paper as paper_module

    settings.CELERY_TASK_ALWAYS_EAGER = False  # the log and mail are the worker's, not timed here
    database = settings.DATABASES["default"]
    temporary = None
    if database["ENGINE"] == "django.db.backends.sqlite3":
        temporary = Path(tempfile.mkdtemp()) / "bench_api.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(temporary)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        host = Organization.objects.create(name="Bench host", slug="bench-host")
        owner = User.objects.create_user("bench-owner", password="x")
        Membership.objects.create(user=owner, organization=host, role=Role.OWNER)
        data = {"slug": "bench", "title": "Bench", "ask": "Bench.", "target_name": "T", "goal": 1}
        campaign = campaign_create(organization=host, data=data)
        Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.OPEN)
        campaign.refresh_from_db()
        print(f"# {connection.vendor}, import {args.import_rows} rows, export {args.export_rows}")

        # 1. Paper import.
        lines = ["name,email,country,postal_code"]
        lines += [
            f"Paper Signer {n},paper{n}@example.org,GB,N1 9GU" for n in range(args.import_rows)
        ]
        started = time.perf_counter()
        report = paper_module.paper_import(
            campaign=campaign, data="\n".join(lines).encode(), label="bench"
        )
        elapsed = time.perf_counter() - started
        print(
            f"paper import       {report.created:9d} rows in {elapsed:7.2f} s "
            f"({report.created / max(elapsed, 1e-9):8.0f} rows/s)"
        )

        # 2. Streamed export (seeded in bulk: what is timed is the export only).
        now = timezone.now()
        remaining = max(args.export_rows - report.created, 0)
        batch = 10_000
        for start in range(0, remaining, batch):
            rows = [
                Signature(
                    campaign=campaign,
                    public_id=new_public_id(),
                    name=f"Online Signer {n}",
                    email=f"online{n}@example.org",
                    email_key=email_key(f"online{n}@example.org"),
                    country="FR",
                    postal_code="75011",
                    created_at=now,
                    confirmed_at=now,
                )
                for n in range(start, min(start + batch, remaining))
            ]
            Signature.objects.bulk_create(rows, batch_size=batch)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        client = Client()
        client.force_login(owner)
        reset = peak_rss_reset()
        started = time.perf_counter()
        response = client.get(f"/organizer/campaigns/{campaign.slug}/export.csv")
        lines_out = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        elapsed = time.perf_counter() - started
        peak = f"{peak_rss_mb():6.0f} MB peak RSS" if reset else "peak RSS not measurable here"
        print(f"streamed export    {lines_out - 1:9d} rows in {elapsed:7.2f} s, {peak}")

        # 3. The API's recording rate, with wrk against a running server.
        key = api_key_create(organization=host, name="wrk", scope="write").secret
        script = Path(tempfile.mkdtemp()) / "bench_api_signatures.lua"
        script.write_text(WRK_SCRIPT % {"slug": campaign.slug, "key": key})
        command = ["wrk", "-t2", "-c16", f"-d{args.wrk_seconds}s", "-s", str(script)]
        if args.wrk_url and shutil.which("wrk"):
            result = subprocess.run([*command, args.wrk_url], capture_output=True, text=True)
            print(result.stdout)
        else:
            print(f"wrk script: {script}")
            print(f"run against a server with this campaign and key: {' '.join(command)} <URL>")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if temporary is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{temporary}{suffix}").unlink(missing_ok=True)
            temporary.parent.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
