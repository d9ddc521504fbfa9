"""Browser fixtures: Debian's Chromium driven by Playwright, and an axe-core accessibility check."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run next to
# one unless told that this (test-only) use is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CORDEE_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: apt-get install chromium (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="en-GB", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.csp_errors = []
    page.on(
        "console",
        lambda msg: (
            page.csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )
    yield page
    context.close()


@pytest.fixture
def axe_check(browser):
    """Run axe-core on the page's URL; return the serious and critical violations.

    Our strict CSP (rightly) blocks the script Playwright injects, so axe runs in a second
    context that bypasses CSP and shares the first one's cookies (same user, same page).
    """
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `npm ci` (the Makefile does it)")

    def check(page) -> list[dict]:
        context = browser.new_context(
            locale="en-GB", bypass_csp=True, storage_state=page.context.storage_state()
        )
        try:
            audited = context.new_page()
            audited.goto(page.url)
            audited.add_script_tag(path=str(AXE))
            result = audited.evaluate(
                "async () => await axe.run(document, {resultTypes: ['violations']})"
            )
        finally:
            context.close()
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "targets": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
            if v["impact"] in {"serious", "critical"}
        ]

    return check
