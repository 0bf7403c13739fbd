import pytest

from groundswell.core.process_cache import process_cached


def test_it_loads_once_within_the_time_and_hands_out_copies():
    loads = []

    def load():
        loads.append(1)
        return type("Thing", (), {"value": 1})()

    first = process_cached(("test", 1), 60, load)
    second = process_cached(("test", 1), 60, load)

    assert len(loads) == 1
    assert first is not second
    first.value = 2
    assert process_cached(("test", 1), 60, load).value == 1


def test_zero_seconds_always_loads():
    loads = []
    for _ in range(3):
        process_cached(("test", 2), 0, lambda: loads.append(1))

    assert len(loads) == 3


@pytest.mark.filterwarnings("error")
def test_a_kept_model_instance_is_handed_out_as_an_independent_copy():
    from groundswell.accounts.models import Organization
    from groundswell.campaigns.models import Campaign

    host = Organization(pk=7, name="Host", slug="host")
    kept = Campaign(pk=3, title="Kept", organization=host)

    first = process_cached(("test", 3), 60, lambda: kept)
    first.title = "Changed"
    first.organization = Organization(pk=8, name="Other", slug="other")
    second = process_cached(("test", 3), 60, lambda: kept)

    assert isinstance(second, Campaign)
    assert (second.pk, second.title, second.organization.pk) == (3, "Kept", 7)
    assert second._state is not first._state
    assert second._state.fields_cache is not first._state.fields_cache
