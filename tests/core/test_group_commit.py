"""Rows written at the same moment share one statement, each row's thread gets its own result,
and a row the database refuses fails only its own request."""

import threading
from collections.abc import Sequence

import pytest

from groundswell.core.group_commit import GroupCommit


class Database:
    """Stands in for the statement: records each call's rows; the first call waits until
    `release` so that the rows submitted meanwhile queue behind it."""

    def __init__(self, refuse: frozenset[str] = frozenset()) -> None:
        self.calls: list[list[str]] = []
        self.running = threading.Event()
        self.release = threading.Event()
        self.refuse = refuse

    def execute(self, rows: Sequence[str]) -> list[str]:
        self.calls.append(list(rows))
        if len(self.calls) == 1:
            self.running.set()
            assert self.release.wait(10)
        if self.refuse & set(rows):
            raise ValueError(f"refused: {sorted(self.refuse & set(rows))}")
        return [f"stored {row}" for row in rows]


def submit_in_threads(
    group: GroupCommit, rows: list[str]
) -> tuple[dict, dict, list[threading.Thread]]:
    results: dict[str, str] = {}
    errors: dict[str, Exception] = {}

    def run(row: str) -> None:
        try:
            results[row] = group.submit(row)
        except Exception as error:
            errors[row] = error

    threads = [threading.Thread(target=run, args=(row,)) for row in rows]
    for thread in threads:
        thread.start()
    return results, errors, threads


def queued(group: GroupCommit, count: int) -> None:
    for _ in range(1000):
        if len(group._queue) >= count:
            return
        threading.Event().wait(0.005)
    raise AssertionError("the rows never queued")


def submitted_while_a_statement_runs(
    group: GroupCommit, database: Database, rows: list[str]
) -> tuple[dict, dict]:
    """Row "first" starts a statement that `database` holds; `rows` are submitted meanwhile and
    queue; then the statement finishes. The results and errors of `rows`."""
    first, first_errors, first_threads = submit_in_threads(group, ["first"])
    assert database.running.wait(10)
    results, errors, threads = submit_in_threads(group, rows)
    queued(group, len(rows))
    database.release.set()
    for thread in first_threads + threads:
        thread.join(10)
    assert first == {"first": "stored first"}
    assert first_errors == {}
    return results, errors


def test_a_row_alone_is_written_at_once_by_its_own_thread():
    calls = []
    group = GroupCommit(lambda rows: calls.append(list(rows)) or [r.upper() for r in rows])

    assert group.submit("a") == "A"
    assert group.submit("b") == "B"
    assert calls == [["a"], ["b"]]


def test_rows_that_arrive_while_a_statement_runs_share_the_next_one():
    database = Database()
    group = GroupCommit(database.execute)

    results, errors = submitted_while_a_statement_runs(group, database, ["b", "c", "d"])

    assert database.calls[0] == ["first"]
    assert sorted(database.calls[1]) == ["b", "c", "d"]
    assert len(database.calls) == 2
    assert results == {"b": "stored b", "c": "stored c", "d": "stored d"}
    assert errors == {}


def test_a_group_is_never_larger_than_max_rows():
    database = Database()
    group = GroupCommit(database.execute, max_rows=2)

    results, _ = submitted_while_a_statement_runs(group, database, ["b", "c", "d", "e", "f"])

    assert [len(rows) for rows in database.calls] == [1, 2, 2, 1]
    assert len(results) == 5


def test_a_refused_row_fails_only_its_own_request():
    database = Database(refuse=frozenset({"bad"}))
    group = GroupCommit(database.execute)

    results, errors = submitted_while_a_statement_runs(group, database, ["b", "bad", "c"])

    assert results == {"b": "stored b", "c": "stored c"}
    assert list(errors) == ["bad"]
    # The shared statement, then each of its rows alone.
    assert sorted(database.calls[1]) == ["b", "bad", "c"]
    assert sorted(map(tuple, database.calls[2:])) == [("b",), ("bad",), ("c",)]


def test_a_failure_with_nobody_else_waiting_is_raised_once():
    group = GroupCommit(lambda rows: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        group.submit("a")
    # The lead was handed on: the next row is not left waiting.
    group._execute = lambda rows: list(rows)
    assert group.submit("b") == "b"


def test_a_row_inside_a_transaction_is_written_alone():
    database = Database()
    database.running.set()
    database.release.set()
    group = GroupCommit(database.execute)

    assert group.submit("x", alone=True) == "stored x"
    assert group._running == 0


def test_statements_ending_together_never_share_a_row_nor_lose_a_place():
    """Several statements at once, ending at the same moments: each row is written exactly
    once, each thread gets its own result, and when all is done no statement is counted as
    running (a place lost there would, in time, leave rows waiting for nothing)."""
    written: list[str] = []
    lock = threading.Lock()

    def execute(rows: Sequence[str]) -> list[str]:
        threading.Event().wait(0.002)
        with lock:
            written.extend(rows)
        return [f"stored {row}" for row in rows]

    group = GroupCommit(execute, max_statements=3, max_rows=4)
    rows = [f"r{n}" for n in range(300)]
    results, errors, threads = submit_in_threads(group, rows)
    for thread in threads:
        thread.join(30)

    assert errors == {}
    assert results == {row: f"stored {row}" for row in rows}
    assert sorted(written) == sorted(rows)
    assert group._running == 0
    assert group._queue == []
