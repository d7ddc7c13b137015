"""The README's screenshots, taken on the demo salon: the till with a sale under way at 1024×768 and on a
phone, the till in milestone mode (the manager switches the programme and gives the clients already past a
reward their codes) at both sizes, and every back-office page at 1024×768 (and one on a phone).

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
        switch_to_milestones(browser, base)
        with app.app_context():
            holder = client_with_codes()
        for viewport, suffix in (({"width": 1024, "height": 768}, "1024"), ({"width": 390, "height": 844}, "390")):
            milestone_till_walk(browser, base, viewport, out / f"till-milestone-{suffix}.png", holder)
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


def switch_to_milestones(browser, base: str) -> None:
    """The manager switches the programme to milestone mode and gives the clients already past a reward
    their codes now, through /manage/program's question."""
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1024, "height": 768}, locale="fr-FR").new_page()
    page.goto(base + "/login")
    page.get_by_text("Isabelle (gérante)").click()
    page.locator("input[name=pin]").fill("9876")
    page.locator("form.login-form button[type=submit]").click()
    page.goto(base + "/manage/program")
    page.locator("input[name=reward_mode][value=milestone]").check()
    page.locator("form.settings button[type=submit].primary").click()
    page.get_by_test_id("past-now").click()
    expect(page.locator("input[name=reward_mode][value=milestone]")).to_be_checked()
    page.context.close()


def client_with_codes() -> str:
    """A demo client with two codes to use (or else the most), so that the next reward shows too."""
    from sqlalchemy import func, select

    from pos_loyalty.extensions import db
    from pos_loyalty.models import Client, RewardGrant

    count = func.count(RewardGrant.id)
    client = db.session.execute(
        select(Client).join(RewardGrant, RewardGrant.client_id == Client.id)
        .where(RewardGrant.source == "milestone", RewardGrant.status == "available")
        .group_by(Client.id).order_by((count == 2).desc(), count.desc(), Client.id).limit(1)).scalar_one()
    return f"{client.first_name} {client.last_name}"


def milestone_till_walk(browser, base: str, viewport: dict, path, client_name: str) -> None:
    """Milestone mode at the till: the client's codes as buttons, the next reward by lifetime points, a
    service on the sale (the sale left open by the other walk is cancelled first)."""
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
    if page.locator(".pay-bar").count():
        page.locator(".pay-bar .cancel summary").tap()
        page.locator(".pay-bar .cancel button.danger").tap()
        expect(page.locator(".pay-bar")).to_have_count(0)
    if not page.locator("#client-search").count():  # a client left attached
        page.locator("#client-card form[action$='/attach'] button").tap()
    page.fill("#client-search", client_name.split()[-1])
    page.get_by_role("button", name=re.compile(client_name)).first.tap()
    page.get_by_role("button", name=re.compile("Balayage")).first.tap()
    expect(page.locator(".lines")).to_contain_text("Balayage")
    expect(page.get_by_test_id("client-codes")).to_be_visible()
    page.screenshot(path=str(path))
    print(path)
    context.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
