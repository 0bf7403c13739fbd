"""The `groundswell` console script: Django's manage.py, plus `verify`, which needs no database."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "verify":
        from groundswell.transparency.verify_cli import main as verify_main

        return verify_main(argv[2:])
    if len(argv) > 1 and argv[1] == "witness":
        from groundswell.transparency.witness_server import main as witness_main

        return witness_main(argv[2:])
    if len(argv) > 1 and argv[1] == "audit-sample":
        argv[1] = "audit_sample"
    if len(argv) > 1 and argv[1] == "demo":
        # The demo is a development instance: debug pages and the development secret are fine.
        os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
