"""History & recalculation in Chromium: a manager uploads a year of the photo studio's sessions (one bad row
first: refused with its line, nothing imported), then recalculates the last 12 months in the background: the
progress bar shows and gives way to the summary, without a page load; at a desk and on a phone."""
from __future__ import annotations

from pathlib import Path

import pytest

from salon_setup import add_item, add_rule, balance, give_points, new_client, set_program
from tests.panel.steps import fits_the_screen, log_in

pytestmark = [pytest.mark.sqlite_only, pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
SHOTS = Path("/tmp/shots-history")
HEADER = "date,sale,client,first_name,last_name,code,name,kind,category,quantity,unit_price\n"
SESSIONS = "".join(f"2026-{month:02d}-14,S-{month},camille@studio.example,,,PORTRAIT,,,,1,300.00\n"
                   for month in range(1, 9))
NEW_CLIENT = "2026-10-03,S-9,+33 6 44 55 66 77,Léa,Petit,PORTRAIT,,,,1,120.00\n"


@pytest.fixture
def studio(app, api):
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Isabelle", "manager", "9876")
    set_program(api, points_per_unit="1", validity_months=None)
    add_item(api, "PORTRAIT", "Portrait", "75.00", category="photo")
    add_rule(api, kind="service", service_code="PORTRAIT", points=50)
    camille = new_client(api, "Camille", "Roux", email="camille@studio.example")
    give_points(api, camille["id"], 35)
    return camille


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_import_then_recalculate_in_the_background(live_server, context, studio, api):
    from playwright.sync_api import expect

    page = context.new_page()
    log_in(page, live_server, "Isabelle", "9876")
    page.goto(live_server + "/manage/history")
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.get_by_role("heading", name="History & recalculation")).to_be_visible()
    shot(page, "history-1024")

    bad = HEADER + SESSIONS + "2026-09-01,S-10,camille@studio.example,,,PORTRAIT,,,,0,300.00\n"
    page.get_by_label("CSV file of past sales").set_input_files(
        {"name": "history.csv", "mimeType": "text/csv", "buffer": bad.encode()})
    page.get_by_role("button", name="Check and import").click()
    report = page.get_by_test_id("import-report")
    expect(report).to_contain_text("Nothing imported: history.csv has bad rows (1)")
    expect(page.locator(".import-errors tr[data-line='10']")).to_contain_text("quantity: 0 is not between 1 and 999")
    shot(page, "history-refused-1024")
    assert balance(api, studio["id"]) == 35

    good = HEADER + SESSIONS + NEW_CLIENT
    page.get_by_label("CSV file of past sales").set_input_files(
        {"name": "history.csv", "mimeType": "text/csv", "buffer": good.encode()})
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_test_id("import-report")).to_contain_text("Sales imported: 9")
    expect(page.get_by_test_id("import-report")).to_contain_text("lines: 9, new clients: 1")

    page.get_by_label("The last 12 months").check()
    page.get_by_role("button", name="Recalculate", exact=True).click()
    job = page.locator(".history-job")
    expect(job.locator("progress")).to_be_visible()  # while it runs, and full once done
    loads = []
    page.on("framenavigated", lambda frame: loads.append(frame.url) if frame == page.main_frame else None)
    summary = page.get_by_test_id("job-summary")
    expect(summary).to_be_visible(timeout=60_000)
    expect(job).to_have_attribute("data-status", "done")
    expect(summary.locator("[data-figure=sales]")).to_have_text("9")
    expect(summary.locator("[data-figure=points_added]")).to_have_text("2,970")  # 2,800 + Léa's 170
    expect(summary.locator("[data-figure=points_removed]")).to_have_text("0")
    expect(summary.locator("[data-figure=clients]")).to_have_text("2")
    assert loads == []  # the fragment was polled in place
    assert balance(api, studio["id"]) == 2_800 + 35
    shot(page, "history-done-1024")
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page)
    shot(page, "history-done-390")

    # Twice changes nothing; the reset asks for its word.
    page.set_viewport_size({"width": 1024, "height": 768})
    page.get_by_label("The last 12 months").check()
    page.get_by_role("button", name="Recalculate", exact=True).click()
    expect(page.get_by_test_id("job-summary").locator("[data-figure=points_added]")).to_have_text("0", timeout=60_000)
    page.get_by_label("Type RESET to confirm").fill("oui")
    page.get_by_role("button", name="Reset the automatic points").click()
    expect(page.locator(".field-error")).to_contain_text("Type RESET to confirm.")
    assert balance(api, studio["id"]) == 2_835
