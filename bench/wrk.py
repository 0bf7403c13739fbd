"""Load from Debian's wrk (C, epoll), with the exact accounting the benchmarks need.

wrk is cheaper per request than any Python generator: on a 2-core machine shared with the
server, the asyncio generator (`bench/loadgen.py`) took CPU the server would otherwise have had
(see docs/performance.md). What wrk cannot do by itself is say which request a response
answered. The scripts here get that back by giving each wrk thread exactly one connection
(`threads == connections`): a connection carries one request at a time, so in each thread the
response that follows `request()` answers it. The signing script writes the e-mail of every
acknowledged signature to a file of its thread; the benchmarks then compare that set with the
rows stored. Every script also counts statuses per thread and prints one JSON line in `done()`
with wrk's own duration, counts, errors and latency percentiles (wrk's latency is per request,
on the client, from the write of the request to the last byte of its response).

    result = run_wrk(f"http://127.0.0.1:{port}", get_script("/healthz"), seconds=10)
"""

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

WRK = os.environ.get("BENCH_WRK", "wrk")
MARKER = "WRKJSON "

# Shared by every script: status counts per thread, and the summary as one JSON line.
_COMMON = r"""
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

counts = {}
local function count(status)
  local key = tostring(status)
  counts[key] = (counts[key] or 0) + 1
end

local function json_counts(all)
  local parts = {}
  for status, n in pairs(all) do table.insert(parts, string.format('"%s": %d', status, n)) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
  local all = {}
  for _, thread in ipairs(threads) do
    local mine = thread:get("counts") or {}
    for status, n in pairs(mine) do all[status] = (all[status] or 0) + n end
  end
  local e = summary.errors
  io.write(string.format(
    '%s{"duration_us": %d, "requests": %d, "bytes": %d, "statuses": %s, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    "__MARKER__", summary.duration, summary.requests, summary.bytes, json_counts(all),
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end
""".replace("__MARKER__", MARKER)


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def _header_lines(headers: dict[str, str] | None) -> str:
    return "".join(
        f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}\n" for k, v in (headers or {}).items()
    )


def get_script(path: str, headers: dict[str, str] | None = None) -> str:
    return post_script(path, None, headers)


def post_script(path: str, body: str | None, headers: dict[str, str] | None = None) -> str:
    """The same request again and again: a POST of `body`, or a GET when `body` is None."""
    request = (
        'wrk.format("GET", path)'
        if body is None
        else f'wrk.format("POST", path, nil, {_lua_string(body)})'
    )
    return (
        _COMMON
        + _header_lines(headers)
        + f"""
local path = {_lua_string(path)}
function request() return {request} end
function response(status, headers, body) count(status) end
"""
    )


def signing_script(*, path: str, body_before_email: str, body_after_email: str,
                   tag: str, acknowledged_dir: Path, ok_statuses: Collection[int] = (302,),
                   content_type: str = "application/x-www-form-urlencoded",
                   url_encode_email: bool = True, headers: dict[str, str] | None = None,
                   idempotency_keys: bool = False) -> str:  # fmt: skip
    """POST a new address each time (`<tag>t<thread>n<number>@bench.example`, URL-encoded in
    the body between the two parts given unless told otherwise); each address answered with
    one of `ok_statuses` is written to `acknowledged_dir/<thread>`. With `idempotency_keys`,
    every request also carries its own `Idempotency-Key` (the address's local part)."""
    ok = ", ".join(f"[{status}] = true" for status in ok_statuses)
    return (
        _COMMON
        + _header_lines(headers)
        + f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = {_lua_string(content_type)}
local path = {_lua_string(path)}
local before, after = {_lua_string(body_before_email)}, {_lua_string(body_after_email)}
local tag, directory = {_lua_string(tag)}, {_lua_string(str(acknowledged_dir))}
local ok, encode, keyed = {{{ok}}}, {str(url_encode_email).lower()}, {str(idempotency_keys).lower()}
local number, last, file = 0, nil, nil

function request()
  if file == nil then
    file = io.open(directory .. "/" .. id, "w")
    file:setvbuf("line")
  end
  number = number + 1
  local name = tag .. "t" .. id .. "n" .. number
  last = name .. "@bench.example"
  if keyed then wrk.headers["Idempotency-Key"] = name end
  local email = last
  if encode then email = last:gsub("@", "%%40") end
  return wrk.format(nil, path, nil, before .. email .. after)
end

function response(status, headers, body)
  count(status)
  if ok[status] and last ~= nil then file:write(last, "\\n") end
  last = nil
end
"""
    )


def confirming_script(*, links_dir: Path, headers: dict[str, str] | None = None) -> str:
    """POST the confirmation links listed in `links_dir/<thread>` (one path per line), in turn;
    a thread that runs out of links starts its list again (those confirm nothing new)."""
    return (
        _COMMON
        + _header_lines(headers)
        + f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local directory = {_lua_string(str(links_dir))}
local links, next_link = nil, 1

function request()
  if links == nil then
    links = {{}}
    for line in io.lines(directory .. "/" .. id) do table.insert(links, line) end
  end
  local path = links[next_link]
  next_link = next_link % #links + 1
  return wrk.format(nil, path, nil, "")
end

function response(status, headers, body) count(status) end
"""
    )


@dataclass
class WrkResult:
    seconds: float
    requests: int
    statuses: dict[int, int]
    errors: dict[str, int]
    latency_ms: dict[str, float]
    acknowledged: set[str] = field(default_factory=set)

    def per_second(self, statuses: set[int] | None = None) -> float:
        """Responses per second, or those with one of `statuses`."""
        if statuses is None:
            return self.requests / self.seconds if self.seconds else 0.0
        count = sum(n for status, n in self.statuses.items() if status in statuses)
        return count / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def wrk_available() -> bool:
    return shutil.which(WRK) is not None


def run_wrk(base_url: str, script: str, *, seconds: float, connections: int = 64,
            threads: int = 2, acknowledged_dir: Path | None = None,
            timeout_seconds: int = 10) -> WrkResult:  # fmt: skip
    """Run wrk with `script` against `base_url` (the script gives the paths) and parse its
    summary line. With `acknowledged_dir`, read back the acknowledged keys it wrote."""
    if not wrk_available():
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench does it)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
        script_path = file.name
    try:
        completed = subprocess.run(
            [WRK, "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
             "--timeout", f"{timeout_seconds}s", "-s", script_path, base_url],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    finally:
        os.unlink(script_path)
    line = next((ln for ln in completed.stdout.splitlines() if ln.startswith(MARKER)), None)
    if line is None:
        raise SystemExit(f"wrk failed ({completed.returncode}):\n{completed.stdout}\n"
                         f"{completed.stderr}")  # fmt: skip
    summary = json.loads(line[len(MARKER) :])
    acknowledged: set[str] = set()
    if acknowledged_dir is not None:
        for path in acknowledged_dir.iterdir():
            acknowledged.update(filter(None, path.read_text().splitlines()))
    return WrkResult(
        seconds=summary["duration_us"] / 1e6,
        requests=summary["requests"],
        statuses={int(k): v for k, v in summary["statuses"].items()},
        errors=summary["errors"],
        latency_ms={k: v / 1000 for k, v in summary["latency_us"].items()},
        acknowledged=acknowledged,
    )
