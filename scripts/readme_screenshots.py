"""The README's screenshots, taken on the demo salon: the till with a sale under way at 1024×768 and on a
phone, and every back-office page at 1024×768 (and one on a phone).

Usage: .venv/bin/python scripts/readme_screenshots.py [docs]
Loads the demo into a temporary SQLite file, serves it on a loopback port, signs the manager in through
the login page in Debian's Chromium and saves docs/manage-<page>.png.
"""
from __future__ import annotations

import os
import sys
import tempfile
import threading
from pathlib import Path

PAGES = [("dashboard", "/manage/"), ("program", "/manage/program"), ("rules", "/manage/rules"),
         ("rewards", "/manage/rewards"), ("catalogue", "/manage/catalogue"), ("clients", "/manage/clients"), ("loyalty", "/manage/loyalty"),
         ("history", "/manage/history"), ("staff", "/manage/staff"), ("tokens", "/manage/tokens"), ("tills", "/manage/tills"),
         ("versions", "/manage/versions"), ("audit", "/manage/audit")]


def main(target: str = "docs") -> None:
    folder = tempfile.mkdtemp(prefix="pos-loyalty-shots-")
    os.environ["POS_LOYALTY_DATABASE_URL"] = f"sqlite:///{folder}/demo.db"
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from pos_loyalty import create_app
    from pos_loyalty.demo import load_demo

    app = create_app()
    with app.app_context():
        upgrade()
        load_demo()
        client_name = best_client()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    out = Path(target)
    out.mkdir(exist_ok=True)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for viewport, suffix in (({"width": 1024, "height": 768}, ""), ({"width": 390, "height": 844}, "-phone")):
            page = browser.new_context(viewport=viewport, locale="fr-FR").new_page()
            page.goto(base + "/login")
            page.get_by_text("Isabelle (gérante)").click()
            page.locator("input[name=pin]").fill("9876")
            page.locator("form.login-form button[type=submit]").click()
            page.wait_for_load_state()
            for name, path in PAGES if not suffix else PAGES[1:2]:
                page.goto(base + path)
                page.screenshot(path=str(out / f"manage-{name}{suffix}.png"), full_page=False)
                print(out / f"manage-{name}{suffix}.png")
        for viewport, suffix in (({"width": 1024, "height": 768}, "1024"), ({"width": 390, "height": 844}, "390")):
            till_walk(browser, base, viewport, out / f"till-{suffix}.png", client_name)
        browser.close()
    server.shutdown()


def best_client() -> str:
    """The demo client with the most points: the till offers them a reward."""
    from sqlalchemy import select

    from pos_loyalty.extensions import db
    from pos_loyalty.models import Client, PointsAccount

    client = db.session.execute(select(Client).join(PointsAccount, PointsAccount.client_id == Client.id)
                                .order_by(PointsAccount.balance.desc()).limit(1)).scalar_one()
    return f"{client.first_name} {client.last_name}"


def till_walk(browser, base: str, viewport: dict, path, client_name: str) -> None:
    """A cashier's sale under way: the client attached, two services, a reward applied (touch taps)."""
    import re

    from playwright.sync_api import expect

    context = browser.new_context(viewport=viewport, locale="fr-FR", has_touch=True,
                                  is_mobile=viewport["width"] < 600)
    page = context.new_page()
    page.goto(base + "/login")
    page.get_by_text("Camille (caisse)").tap()
    page.locator("input[name=pin]").fill("1234")
    page.locator("form.login-form button[type=submit]").tap()
    expect(page.locator(".catalogue, #client-search").first).to_be_visible()
    if page.locator(".lines").count():  # the till's sale from the walk at the other size, still open
        page.screenshot(path=str(path))
        print(path)
        context.close()
        return
    page.fill("#client-search", client_name.split()[-1])
    page.get_by_role("button", name=re.compile(client_name)).first.tap()
    expect(page.get_by_test_id("attached-client")).to_contain_text(client_name)
    for service in ("Balayage", "Brushing"):
        page.get_by_role("button", name=re.compile(service)).first.tap()
        expect(page.locator(".lines")).to_contain_text(service)
    page.locator("button.reward.eligible").first.tap()
    expect(page.locator(".applied").first).to_be_visible()
    page.screenshot(path=str(path))
    print(path)
    context.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
