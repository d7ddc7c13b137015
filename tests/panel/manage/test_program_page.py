"""/manage/program: the programme's settings from the page, checked by the API's schema, a save a version."""
import re

import pytest

from tests.panel.manage.conftest import save

pytestmark = pytest.mark.sqlite_only

FORM = {"enabled": ["false", "true"], "points_per_unit": "1", "rounding": "floor", "validity_months": "12",
        "products_earn": ["false", "true"], "discounted_sales_earn": "false", "subscribers_earn": "false",
        "referrer_bonus": "0", "welcome_bonus": "0", "allow_stacking": "false", "catalogue_only": "false"}


def program(api) -> dict:
    return api.ok("GET", "/program", as_="manager")


def test_the_page_shows_every_setting_under_its_api_name(manager):
    page = manager.get("/manage/program").get_data(as_text=True)
    for name in FORM:
        assert f'name="{name}"' in page, name


def test_a_saved_ratio_is_a_new_version_said_in_words(manager, api):
    before = program(api)["version"]
    response = save(manager, "/manage/program", **{**FORM, "points_per_unit": "2,5"})
    assert response.status_code == 302
    after = program(api)
    assert after["points_per_unit"] == "2.5" and after["version"] == before + 1
    page = manager.get("/manage/program").get_data(as_text=True)
    assert re.search(r"1\s*→\s*2\.5", page), page


@pytest.mark.parametrize("field, value, message", [
    ("points_per_unit", "-1", "0 to 1000"),
    ("validity_months", "0", "1"),
    ("referrer_bonus", "douze", "integer"),
])
def test_a_bad_value_is_refused_by_its_field_and_nothing_is_saved(manager, api, field, value, message):
    before = program(api)
    response = save(manager, "/manage/program", **{**FORM, field: value})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(rf'name="{field}"[^>]*aria-invalid="true"[^>]*>.*?<span class="field-error" id="{field}-error">([^<]+)',
                      page, re.S)
    assert error, page
    assert program(api) == before


def test_an_emptied_validity_means_points_never_expire(manager, api):
    save(manager, "/manage/program", **{**FORM, "validity_months": ""})
    assert program(api)["validity_months"] is None


def test_a_cashier_gets_the_403_page(client, staff):
    from tests.panel.logins import log_in

    log_in(client, "Camille", "1234")
    assert client.get("/manage/program").status_code == 403
    assert client.post("/manage/program", data=FORM).status_code in (400, 403)


def test_zero_points_per_euro_is_allowed_spend_points_off(manager, api):
    assert save(manager, "/manage/program", **{**FORM, "points_per_unit": "0"}).status_code == 302
    assert program(api)["points_per_unit"] == "0"


@pytest.mark.parametrize("field, value", [("points_per_unit", "-1"), ("validity_months", "0")])
def test_a_refusal_is_said_in_the_panels_language(manager, field, value):
    english = save(manager, "/manage/program", **{**FORM, field: value}).get_data(as_text=True)
    page = manager.get("/manage/program").get_data(as_text=True)
    from tests.panel.logins import csrf_of

    manager.post("/language", data={"csrf_token": csrf_of(page), "lang": "fr"})
    french = save(manager, "/manage/program", **{**FORM, field: value}).get_data(as_text=True)

    def error_of(html):
        return re.search(rf'id="{field}-error">([^<]+)<', html).group(1)

    assert error_of(english) != error_of(french)
    assert "corriger les champs signalés" in french
