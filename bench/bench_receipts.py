"""Receipt e-mails sent by `receipt_emails_send_task`, as the worker sends them after a spike.

On a fresh PostgreSQL database (BENCH_PG_URL), stores `--count` receipt e-mails and sends them
in the task's chunks (RECEIPT_EMAILS_PER_TASK), in this process, through an SMTP sink
(aiosmtpd) on loopback, or Django's dummy backend with `--dummy`; prints receipts per second
and the CPU of this process per receipt (the sink's own included, when it is used).

    python bench/bench_receipts.py --count 3000
    python bench/bench_receipts.py --count 3000 --dummy
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import profile_signing
from bench_updates import Sink
from run import free_port


def main() -> int:
    from aiosmtpd.controller import Controller

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--dummy", action="store_true", help="Django's dummy backend, no SMTP")
    args = parser.parse_args()

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    os.environ["EMAIL_URL"] = "dummy://" if args.dummy else f"smtp://127.0.0.1:{controller.port}"
    database_url = profile_signing.create_database()
    try:
        profile_signing.configure(database_url)
        return measure(args.count, sink, "dummy backend" if args.dummy else "SMTP sink")
    finally:
        from django.db import connections

        connections.close_all()
        profile_signing.drop_database(database_url)
        controller.stop()


def measure(count: int, sink: Sink, backend: str) -> int:
    from django.core.management import call_command

    from groundswell.accounts.models import Organization
    from groundswell.campaigns.services import campaign_create
    from groundswell.core.models import OutboundEmail
    from groundswell.transparency.services.receipts import (
        RECEIPT_EMAIL_KIND,
        RECEIPT_EMAILS_PER_TASK,
    )
    from groundswell.transparency.tasks import receipt_emails_send_task

    call_command("migrate", verbosity=0)
    organization = Organization.objects.create(name="Bench", slug="bench")
    campaign = campaign_create(
        organization=organization,
        data={"slug": "receipts", "title": "Receipts", "ask": "Count us.", "target_name": "T"},
    )
    body = "Hello,\n\n" + "Your receipt. " * 100
    OutboundEmail.objects.bulk_create(
        OutboundEmail(
            to=f"signer{number}@bench.example", subject="Your receipt", body=body,
            kind=RECEIPT_EMAIL_KIND, campaign_id=campaign.pk,
        )
        for number in range(count)
    )  # fmt: skip
    ids = sorted(OutboundEmail.objects.values_list("pk", flat=True))
    started, cpu = time.perf_counter(), time.process_time()
    sent = 0
    for start in range(0, count, RECEIPT_EMAILS_PER_TASK):
        chunk = ids[start : start + RECEIPT_EMAILS_PER_TASK]
        sent += receipt_emails_send_task(chunk[0], chunk[-1])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{backend}: {sent} receipts in {seconds:.2f} s ({sent / seconds:.0f}/s), "
        f"{cpu / max(sent, 1) * 1000:.3f} ms of CPU each; the sink received {sink.total()}"
    )
    return 0 if sent == count else 1


if __name__ == "__main__":
    raise SystemExit(main())
