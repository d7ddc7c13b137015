"""The README's back-office screenshots, taken on the demo salon at 1024×768 (and one on a phone).

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
         ("rewards", "/manage/rewards"), ("catalogue", "/manage/catalogue"), ("clients", "/manage/clients"),
         ("staff", "/manage/staff"), ("tokens", "/manage/tokens"), ("tills", "/manage/tills"),
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
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main(*sys.argv[1:])
