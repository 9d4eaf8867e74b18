"""Fixtures for the browser tests: Debian's Chromium driven by Playwright's sync API.

One browser per session (started lazily, inside the first test that needs it),
one or more fresh contexts per test. The tests talk to pytest-django's
``live_server`` and build their data with the factories in ``courses.factories``.

Chromium and axe-core are hard requirements: when either is missing the test
FAILS with a clear message, it is never skipped.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in the test thread; Django
# refuses ORM calls from a thread with a running loop unless told otherwise.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

BASE_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Fail fast instead of waiting Playwright's default 30 s on a missing element.
TIMEOUT_MS = 10_000
# axe-core impacts that fail the test.
BLOCKING_IMPACTS = {"serious", "critical"}


def require_browser_tools():
    """Fail (never skip) when Chromium or axe-core is not installed."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: install it with "
            "`apt-get update && apt-get install -y chromium`.",
            pytrace=False,
        )
    if not AXE_JS.exists():
        pytest.fail(
            f"axe-core is missing at {AXE_JS}: run `npm ci` in {BASE_DIR}.",
            pytrace=False,
        )


class _BrowserHolder:
    """Starts Playwright and Chromium on first use; closed at the end of the session."""

    def __init__(self):
        self._playwright = None
        self._browser = None

    def get(self):
        require_browser_tools()
        if self._browser is None:
            from django.db import connections

            from playwright.sync_api import sync_playwright

            # Starting Playwright's sync API leaves this thread in a fresh
            # contextvars context, and Django keeps its connections in a
            # context-local store: the test would then get new connection
            # objects, different from the one the live server thread shares
            # with it and lacking ``_test_serialized_contents``, so
            # ``serialized_rollback`` would silently restore nothing and the
            # next test would find an empty database. Put the originals back.
            saved = connections.all(initialized_only=True)
            self._playwright = sync_playwright().start()
            for connection in saved:
                connections[connection.alias] = connection
            self._browser = self._playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
        return self._browser

    def close(self):
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()


@pytest.fixture(scope="session")
def _browser_holder():
    holder = _BrowserHolder()
    yield holder
    holder.close()


@pytest.fixture
def new_context(_browser_holder, live_server):
    """Factory: ``new_context(**options)`` returns a fresh browser context whose
    relative URLs go to the live server. Every context is closed after the test."""
    contexts = []

    def make(**options):
        browser = _browser_holder.get()
        options.setdefault("base_url", live_server.url)
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_source():
    """The text of axe.min.js (read in the test, so that a missing file fails it)."""
    cache = {}

    def read():
        require_browser_tools()
        if "source" not in cache:
            cache["source"] = AXE_JS.read_text(encoding="utf-8")
        return cache["source"]

    return read


def axe_violations(page, source):
    """Run axe-core on the current page; return the serious and critical violations.

    The site sends a strict Content-Security-Policy (no inline scripts), but
    ``page.evaluate`` goes through the DevTools protocol, which CSP does not block.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source)
    results = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def format_violations(label, url, violations):
    lines = [f"{label} ({url}):"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"      target: {node['target']}")
            lines.append(f"        html: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " | ")
            if summary:
                lines.append(f"        why: {summary[:400]}")
    return "\n".join(lines)


class AxeAudit:
    """Collects axe violations page by page; ``assert_clean`` fails with all of
    them at once, so one run reports every page that needs fixing."""

    def __init__(self, read_source):
        self.read_source = read_source
        self.reports = []
        self.pages = []

    def check(self, page, label):
        violations = axe_violations(page, self.read_source())
        self.pages.append(label)
        if violations:
            self.reports.append(format_violations(label, page.url, violations))

    def assert_clean(self):
        if self.reports:
            pytest.fail(
                "axe-core found serious/critical accessibility violations:\n"
                + "\n".join(self.reports),
                pytrace=False,
            )


@pytest.fixture
def axe_audit(axe_source):
    return AxeAudit(axe_source)
