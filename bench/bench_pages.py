"""Measures of what a phone downloads and waits for: each public page's transfer size (HTML, CSS
and JavaScript, before images) and its first contentful paint in headless chromium on a
throttled phone profile (CDP: Network.emulateNetworkConditions, "slow 4G"-like, and CPU
throttling 4x), at 360x740.

    .venv/bin/python bench/bench_pages.py                 # every page, 3 loads each
    .venv/bin/python bench/bench_pages.py --loads 1 --pages 3   # a quick check that it works

Seeds the demo (`groundswell demo --no-serve`) into a throwaway SQLite file, serves it with
`groundswell serve` (gunicorn, WhiteNoise: compressed static files as in production), and loads
each page in a fresh browser context (cold cache). The pages: the home page, then every petition
and letter it links to, their signing, history and embed pages, and a 404. Prints one line per
page (median over the loads) and writes bench/results/pages.json. Targets (issue 15): under
100 KB before images, no request to another origin.
"""

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GROUNDSWELL = ROOT / ".venv" / "bin" / "groundswell"
CHROMIUM = os.environ.get("GROUNDSWELL_CHROMIUM", "/usr/bin/chromium")
# Chrome DevTools' "Slow 4G"-like profile: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up.
NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}
CPU_SLOWDOWN = 4
COUNTED_TYPES = {"Document", "Stylesheet", "Script"}
TARGET_BYTES = 100 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server at {base} did not come up")


def public_pages(base: str) -> list[str]:
    """The home page, what it links to, their other public pages, and a 404."""
    with urllib.request.urlopen(f"{base}/", timeout=10) as response:
        home = response.read().decode()
    petitions = sorted(set(re.findall(r'href="(/p/[\w-]+/)"', home)))
    letters = sorted(set(re.findall(r'href="(/letters/[\w-]+/)"', home)))
    pages = ["/"]
    for path in petitions:
        pages += [path, f"{path}history/", f"{path}embed/", f"{path}thanks/"]
    for path in letters:
        pages += [path, f"{path}sign/", f"{path}history/"]
    return [*pages, "/p/no-such-petition/"]


def measure(browser: Any, url: str) -> dict[str, Any]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    kinds: dict[str, str] = {}
    origins: dict[str, str] = {}
    sizes: dict[str, int] = {}

    def sent(event: dict[str, Any]) -> None:
        kinds[event["requestId"]] = event.get("type", "Other")
        origins[event["requestId"]] = event["request"]["url"]

    def finished(event: dict[str, Any]) -> None:
        sizes[event["requestId"]] = int(event.get("encodedDataLength", 0))

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", finished)
    started = time.monotonic()
    response = page.goto(url, wait_until="load")
    load_ms = (time.monotonic() - started) * 1000
    fcp = page.evaluate(
        """() => new Promise(resolve => {
          const found = () => performance.getEntriesByName("first-contentful-paint")[0];
          if (found()) { resolve(found().startTime); return; }
          new PerformanceObserver(() => found() && resolve(found().startTime))
            .observe({type: "paint", buffered: true});
          setTimeout(() => resolve(null), 5000);
        })"""
    )
    counted = sum(size for rid, size in sizes.items() if kinds.get(rid) in COUNTED_TYPES)
    images = sum(size for rid, size in sizes.items() if kinds.get(rid) == "Image")
    own = url.split("/", 3)[:3]
    elsewhere = sorted(
        {address for address in origins.values() if address.split("/", 3)[:3] != own}
    )
    context.close()
    return {
        "status": response.status if response else None,
        "bytes": counted,
        "image_bytes": images,
        "requests": len(kinds),
        "fcp_ms": fcp,
        "load_ms": load_ms,
        "other_origins": elsewhere,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=3, help="loads per page (median kept)")
    parser.add_argument("--pages", type=int, default=0, help="only the first N pages (0: all)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "pages.json"))
    arguments = parser.parse_args()
    if not shutil.which(CHROMIUM):
        raise SystemExit(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "GROUNDSWELL_DATA_DIR": data_dir,
            "DATABASE_URL": f"sqlite:///{data_dir}/pages.sqlite3",
            "GROUNDSWELL_BASE_URL": base,
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-pages-" + "x" * 40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
        }
        subprocess.run(
            [str(GROUNDSWELL), "demo", "--no-serve"], env=env, check=True, capture_output=True
        )
        server = subprocess.Popen(
            [str(GROUNDSWELL), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(base)
            pages = public_pages(base)
            if arguments.pages:
                pages = pages[: arguments.pages]
            results = {}
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
                )
                for path in pages:
                    loads = [measure(browser, f"{base}{path}") for _ in range(arguments.loads)]
                    fcps = [load["fcp_ms"] for load in loads if load["fcp_ms"] is not None]
                    row = {
                        **loads[-1],
                        "bytes": int(statistics.median(load["bytes"] for load in loads)),
                        "fcp_ms": round(statistics.median(fcps)) if fcps else None,
                        "load_ms": round(statistics.median(load["load_ms"] for load in loads)),
                    }
                    results[path] = row
                    flag = "" if row["bytes"] <= TARGET_BYTES else "  OVER 100 KB"
                    flag += "  OTHER ORIGINS" if row["other_origins"] else ""
                    print(
                        f"{path:45} {row['status']} {row['bytes'] / 1024:7.1f} KB "
                        f"(+{row['image_bytes'] / 1024:.1f} KB images) "
                        f"FCP {row['fcp_ms']} ms, load {row['load_ms']} ms{flag}"
                    )
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    out = Path(arguments.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    profile = {"network": NETWORK, "cpu_slowdown": CPU_SLOWDOWN, "viewport": "360x740"}
    out.write_text(json.dumps({"profile": profile, "pages": results}, indent=2) + "\n")
    print(f"written to {out}")


if __name__ == "__main__":
    sys.exit(main())
