"""The letters' factories, for the tests of what every signing form shares."""

from tests.letters.conftest import letter, make_letter  # noqa: F401 (fixtures)
