"""Browser tests: Playwright driving Debian's chromium (browser downloads do not work here)."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.letters.conftest import make_letter  # noqa: F401 (shared with the letters tests)

CHROMIUM = os.environ.get("GROUNDSWELL_CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test itself
# (reading the outbox, checking rows) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        if os.environ.get("GROUNDSWELL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"chromium not found at {CHROMIUM} and GROUNDSWELL_REQUIRE_BROWSER=1")
        pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = context.new_page()
    yield page
    context.close()


# A signing form sent sooner than SIGNING_MIN_FILL_SECONDS after it was rendered is taken for a
# bot's and silently dropped (groundswell.core.bot_friction). Browser tests fill forms faster
# than any person, so they wait that long before their last press of Sign; one second rather
# than the default three keeps them quick.
FILL_SECONDS = 1


@pytest.fixture(autouse=True)
def _people_take_a_moment_to_fill_forms(settings: Any) -> None:
    settings.SIGNING_MIN_FILL_SECONDS = FILL_SECONDS


def take_the_time_a_person_would(page: Any) -> None:
    page.wait_for_timeout(FILL_SECONDS * 1000 + 200)


# Runs in every frame before its own scripts (Playwright injects it past the page's policy):
# every violation of a Content-Security-Policy becomes a console message the test collects.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " blocked " +
    (event.blockedURI || "inline") + " in " + event.documentURI);
});
"""


def watch_policy_violations(page: Any) -> list[str]:
    """The Content-Security-Policy violations of every frame of `page`, as they happen."""
    violations: list[str] = []
    page.context.add_init_script(_REPORT_VIOLATIONS)

    def collect(message: Any) -> None:
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            violations.append(text)

    page.on("console", collect)
    return violations


def screenshot_dir() -> Path:
    """GROUNDSWELL_SCREENSHOTS_DIR (CI keeps it as an artifact), else a temporary folder."""
    named = os.environ.get("GROUNDSWELL_SCREENSHOTS_DIR") or os.environ.get(
        "GROUNDSWELL_SCREENSHOTS"
    )
    return Path(named) if named else Path(tempfile.gettempdir()) / "groundswell-screenshots"


def shot(page: Any, name: str) -> None:
    """Keep a full-page screenshot for people to look at (not asserted on)."""
    folder = screenshot_dir()
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


# WCAG 2.1 levels A and AA: what the pages promise (issue 15).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.1 AA violations on `page` as it stands, one line per rule and element."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    found = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            found.append(
                f"{violation['id']} ({violation['impact']}): {node['target']} — "
                f"{node.get('failureSummary', '').splitlines()[-1:]}"
            )
    return found
