"""A small HTTP/1.1 keep-alive load generator that remembers exactly which requests were answered.

wrk is faster, but cannot tell which of its requests succeeded; the benchmarks must prove that the
database holds exactly the acknowledged signatures, so every response here is matched to the
request that caused it. Each client waits for its response before sending the next request, so
nothing is in flight when a run ends.
"""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    acknowledged: list[str] = field(default_factory=list)
    errors: int = 0
    # When each acknowledged response arrived, in seconds from the start of the run.
    acknowledged_at: list[float] = field(default_factory=list)

    @property
    def ok_per_second(self) -> float:
        return len(self.acknowledged) / self.seconds if self.seconds else 0.0

    @property
    def responses_per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile_ms(self, fraction: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000

    def ok_per_second_by_window(self, windows: int = 6) -> list[int]:
        """Acknowledged responses per second in each of `windows` equal parts of the run: shows
        whether a rate holds over the run or falls away."""
        width = self.seconds / windows
        counts = [0] * windows
        for moment in self.acknowledged_at:
            counts[min(windows - 1, int(moment / width))] += 1
        return [round(count / width) for count in counts]


# make_request(client, n) -> (raw request bytes, a key remembered when acknowledged)
RequestMaker = Callable[[int, int], tuple[bytes, str]]


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """The status, and whether the server keeps the connection open (gunicorn's sync workers
    close it after every response)."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed")
    status = int(status_line.split()[1])
    length = 0
    keep_alive = True
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"connection" and value.strip().lower() == b"close":
            keep_alive = False
    if length:
        await reader.readexactly(length)
    return status, keep_alive


async def _client(
    number: int,
    host: str,
    port: int,
    make_request: RequestMaker,
    ok_statuses: set[int],
    started_at: float,
    deadline: float,
    result: LoadResult,
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    sent = 0
    try:
        while time.perf_counter() < deadline:
            payload, key = make_request(number, sent)
            sent += 1
            started = time.perf_counter()
            try:
                writer.write(payload)
                await writer.drain()
                status, keep_alive = await _read_response(reader)
            except (ConnectionError, asyncio.IncompleteReadError, ValueError):
                result.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            result.latencies.append(time.perf_counter() - started)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status in ok_statuses:
                result.acknowledged.append(key)
                result.acknowledged_at.append(time.perf_counter() - started_at)
            if not keep_alive:
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


async def _run(
    host: str, port: int, clients: int, seconds: float, make_request: RequestMaker,
    ok_statuses: set[int],
) -> LoadResult:  # fmt: skip
    result = LoadResult(seconds=seconds)
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(
            _client(n, host, port, make_request, ok_statuses, started, deadline, result)
            for n in range(clients)
        )
    )
    result.seconds = time.perf_counter() - started
    return result


def run_load(
    *, host: str, port: int, clients: int, seconds: float, make_request: RequestMaker,
    ok_statuses: set[int],
) -> LoadResult:  # fmt: skip
    return asyncio.run(_run(host, port, clients, seconds, make_request, ok_statuses))


def get_request(host: str, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n".encode()


def post_form_request(host: str, path: str, body: str, extra_headers: str = "") -> bytes:
    data = body.encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"{extra_headers}Content-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data
