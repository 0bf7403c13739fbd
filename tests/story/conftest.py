"""The campaign's story (issue 14): deliveries sign checkpoints as the transparency tests do."""

from tests.transparency.conftest import (  # noqa: F401
    _delivery_isolated,
    checkpoint_key_file,
    confirm_many,
)
