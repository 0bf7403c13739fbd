"""Every model is accounted for in docs/architecture.md's personal data inventory: a new model
(or a Django app's) fails here until someone writes down what of a person it holds and how
it is found from its owner row."""

import re
from pathlib import Path

from django.apps import apps

ARCHITECTURE = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"


def inventory() -> str:
    text = ARCHITECTURE.read_text()
    return text[text.index("## Personal data: owners and copies") :]


def test_every_model_is_in_the_personal_data_inventory():
    listed = set(re.findall(r"`([a-z_]+\.[A-Za-z_]+)`", inventory()))

    missing = [
        model._meta.label
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label not in listed
    ]

    assert missing == []
