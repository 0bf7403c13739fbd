"""The addresses the demo publishes, for the port it serves on.

The settings derive them from GROUNDSWELL_BASE_URL when they load, before `groundswell demo`
reads its `--port`; what the environment sets explicitly is left as it is.
"""

import os

from django.conf import settings

from groundswell.transparency.models import SignedCheckpoint
from groundswell.transparency.signed_note import parse_verifier_key


def demo_addresses_set(*, port: int) -> None:
    """Point e-mailed links and the transparency log's names at 127.0.0.1:`port`.

    A log that already has checkpoints keeps the origin and key name they were signed under (the
    demo was served on another port before): new ones would start another log in readers' eyes,
    and the published key would no longer verify the checkpoints already made. Call it after
    migrating and before seeding, which signs the first checkpoint.
    """
    if "GROUNDSWELL_BASE_URL" in os.environ:
        return
    host = f"127.0.0.1:{port}"
    settings.GROUNDSWELL_BASE_URL = f"http://{host}"
    if "TRANSPARENCY_ORIGIN_HOST" in os.environ:
        return  # the key name is either set too, or derived from it already
    signed = SignedCheckpoint.objects.order_by("-pk").values_list("origin", "key_name").first()
    if signed is None:
        settings.TRANSPARENCY_ORIGIN_HOST = host
        if "TRANSPARENCY_KEY_NAME" not in os.environ:
            settings.TRANSPARENCY_KEY_NAME = host
        return
    origin, verifier_key = signed
    settings.TRANSPARENCY_ORIGIN_HOST = origin.rsplit("/p/", 1)[0]
    if "TRANSPARENCY_KEY_NAME" not in os.environ:
        settings.TRANSPARENCY_KEY_NAME = parse_verifier_key(verifier_key).name
