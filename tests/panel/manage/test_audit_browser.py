"""The versions and audit pages in Chromium: read at a desk and on a phone, filtered through the form."""
import pytest

from salon_setup import add_item, add_reward, add_rule, give_points, new_client, set_program
from tests.panel.steps import fits_the_screen, log_in

pytestmark = [pytest.mark.sqlite_only, pytest.mark.browser]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def history(app, api):
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Isabelle", "manager", "9876")
    set_program(api, points_per_unit="2", welcome_bonus=10)
    add_item(api, "COLOR", "Couleur racines", "65.00", category="colour")
    add_rule(api, kind="category", category="colour", points=20)
    add_rule(api, kind="multiplier", factor="2", weekdays=[2], starts_on="2026-12-01", ends_on=None,
             from_time=None, to_time=None)
    reward = add_reward(api, "10 € offerts", 100)
    api.ok("PATCH", f"/rewards/{reward['id']}", {"points_cost": 150, "description": "Sur toute prestation"},
           as_="manager")
    client = new_client(api, "Hélène", "Dupré")
    give_points(api, client["id"], 40, "Geste commercial après une attente")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["token", "create", "--role", "till", "--name", "caisse-entrée"]).exit_code == 0


def test_versions_and_audit_read_well_at_a_desk_and_on_a_phone(live_server, context, history, shoot):
    from playwright.sync_api import expect

    page = context.new_page()
    log_in(page, live_server, "Isabelle", "9876")
    page.goto(live_server + "/manage/versions")
    expect(page.locator("#version-1")).to_be_visible()
    expect(page.locator(".version").first).to_contain_text("150")
    shoot(page, "manage-versions-1024")

    page.goto(live_server + "/manage/audit")
    expect(page.locator("tr[data-action='program.update']")).to_be_visible()
    shoot(page, "manage-audit-1024")
    page.select_option("select[name=action]", "rule")
    page.get_by_role("button", name="Filtrer").click()  # the panel in French (fr-FR)
    expect(page.locator("tr[data-action]")).to_have_count(2)
    expect(page.locator("select[name=action]")).to_have_value("rule")
    page.fill("input[name=on]", "")
    page.fill("input[name=q]", "attente")
    page.select_option("select[name=action]", "")
    page.get_by_role("button", name="Filtrer").click()  # the panel in French (fr-FR)
    expect(page.locator("tr[data-action]")).to_have_count(1)
    expect(page.locator("tr[data-action='points.adjust']")).to_contain_text("attente")

    page.set_viewport_size(PHONE)
    for path, name in (("/manage/versions", "manage-versions-390"), ("/manage/audit", "manage-audit-390")):
        page.goto(live_server + path)
        expect(page.locator("h1")).to_be_visible()
        shoot(page, name)
        assert fits_the_screen(page), path
