"""Group commit: the requests of one process that write at the same moment share one statement.

PostgreSQL spends most of a small write on the statement, not the row: starting it, opening
and locking the table and each of its indexes, the commit and its WAL flush. A signature
written alone cost the server 0.28 ms of CPU, eight signatures in one statement 0.05 ms each
(docs/performance.md). So a thread that has a row to write hands it to the process's
`GroupCommit`: if no statement is running, it runs one with its own row at once (no waiting
when the server is quiet); if one is running, the row waits for it to finish and then goes
with every row that arrived meanwhile, in one statement, run by the first of them.

Each row's thread gets its own result, and only once the statement (autocommit) has committed:
an answer given after `submit` returns is as durable as after a statement of its own. When a
shared statement fails, each of its rows is run again alone, in its own thread, so that a row
the database refuses fails only its own request.

Rows may share a statement only when every one of them would be committed by it at once:
callers run a row alone (`alone=True`) inside a transaction, where it must commit or roll back
with the rest of that transaction.
"""

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_WAITING, _DONE, _LEAD, _ALONE = range(4)


class _Slot(Generic[Item, Result]):
    __slots__ = ("group", "item", "ready", "result", "state")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.result: Result | None = None
        self.state = _WAITING
        self.ready = threading.Event()
        # When handed the lead: the rows it writes, its own first.
        self.group: list[_Slot[Item, Result]] = []


class GroupCommit(Generic[Item, Result]):
    """`execute(items)` writes the rows in one statement and returns one result per item, in
    their order; it runs in the thread (and on the database connection) of the row that leads
    the group."""

    def __init__(
        self,
        execute: Callable[[Sequence[Item]], Sequence[Result]],
        *,
        max_rows: int = 64,
        max_statements: int = 1,
    ) -> None:
        self._execute = execute
        self._max_rows = max_rows
        self._max_statements = max_statements
        self._lock = threading.Lock()
        self._queue: list[_Slot[Item, Result]] = []
        # Statements running; rows wait only while there are max_statements of them.
        self._running = 0

    def submit(self, item: Item, *, alone: bool = False) -> Result:
        if alone:
            return self._execute([item])[0]
        slot: _Slot[Item, Result] = _Slot(item)
        with self._lock:
            # Rows queue only while max_statements run: a row that finds fewer leads at once,
            # alone (the queue is empty then).
            leads = self._running < self._max_statements
            if leads:
                self._running += 1
                slot.group = [slot]
            else:
                self._queue.append(slot)
        if not leads:
            slot.ready.wait()
            if slot.state == _DONE:
                return slot.result  # type: ignore[return-value]
            if slot.state == _ALONE:
                return self._execute([item])[0]
        return self._lead(slot)

    def _lead(self, own: _Slot[Item, Result]) -> Result:
        group = own.group
        others = [slot for slot in group if slot is not own]
        try:
            results = self._execute([slot.item for slot in group])
            if len(results) != len(group):
                raise ValueError("one result per row was expected")
        except BaseException:
            for slot in others:
                slot.state = _ALONE
                slot.ready.set()
            self._hand_on()
            if not others:
                raise
            return self._execute([own.item])[0]
        for slot, result in zip(group, results, strict=True):
            slot.result, slot.state = result, _DONE
            if slot is not own:
                slot.ready.set()
        self._hand_on()
        return own.result  # type: ignore[return-value]

    def _hand_on(self) -> None:
        """The rows that arrived while the statement ran go next, led by the first of them. The
        group is taken from the queue here, under the lock: two statements ending at once
        hand on two different groups, and no row is in two."""
        with self._lock:
            if not self._queue:
                self._running -= 1
                return
            group = self._queue[: self._max_rows]
            del self._queue[: self._max_rows]
            leader = group[0]
            leader.group, leader.state = group, _LEAD
        leader.ready.set()
