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
