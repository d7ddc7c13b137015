"""Debian's Chromium driven by Playwright; skipped with the reason where it is missing, except in CI."""
import os
import shutil
from pathlib import Path

import pytest

from salon_setup import add_item, add_reward, give_points, new_client

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", "test-artifacts/screenshots")).resolve()


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not shutil.which(CHROMIUM):
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _unavailable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI runs the browser tests: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    # expect() waits 5 s by default, actions 10 s (the context below): on a loaded 2-core machine, with the
    # other xdist worker in a browser too, a condition that does come may need more than 5 s.
    expect.set_options(timeout=10_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {SCREENSHOTS}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"])
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="fr-FR")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def shoot():
    def save(page, name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return save


@pytest.fixture
def salon(app, api):
    add_item(api, "PORTRAIT", "Portrait studio", "75.00", category="photo")
    add_item(api, "BRUSH", "Brushing", "30.00", category="cut")
    add_item(api, "SHAMP", "Shampooing", "15.00", kind="product", category="retail")
    api.ok("POST", "/rules", {"kind": "service", "service_code": "PORTRAIT", "points": 50}, as_="manager")
    reward = add_reward(api, "10 € offerts", 100)
    voucher = add_reward(api, "Bon de 50 €", 900, value="50.00")
    client = new_client(api, "Hélène", "Dupré", phone="06 12 34 56 78")
    give_points(api, client["id"], 200)
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Camille", "cashier", "1234")
        add_staff("Isabelle", "manager", "9876")
    return {"client": client, "reward": reward, "voucher": voucher}


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS.exists():
        terminalreporter.write_line(f"panel screenshots: {SCREENSHOTS}")
