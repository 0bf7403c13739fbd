"""The delivery tests sign checkpoints and confirm signatures as the transparency tests do."""

from tests.transparency.conftest import (  # noqa: F401
    _delivery_isolated,
    checkpoint_key_file,
    confirm_many,
)
