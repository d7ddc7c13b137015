"""What if? on the programme page and a rule's page: the form posted to /manage/preview comes back as typed,
with the period's figures under it in words, or its errors by field as the save shows them; nothing saved."""
import re
from datetime import timedelta

import pytest

from conftest import START
from salon_setup import add_item, add_reward, add_rule, give_points, new_client, sell
from tests.panel.logins import csrf_of

pytestmark = pytest.mark.sqlite_only

FORM = {"enabled": ["false", "true"], "points_per_unit": "1", "rounding": "floor", "validity_months": "12",
        "products_earn": ["false", "true"], "discounted_sales_earn": "false", "subscribers_earn": "false",
        "referrer_bonus": "0", "welcome_bonus": "0", "allow_stacking": "false", "catalogue_only": "false"}


@pytest.fixture
def history(api, clock):
    """Two months ago: Hélène's colour (60 points) and Marc's cut (40 + 10 for the cut). A 100-point reward:
    Zoé (150 points given) can take it now; Marc (50) and Hélène (60) cannot."""
    add_item(api, "COL", "Couleur", "60.00", category="colour")
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    rule = add_rule(api, kind="service", service_code="CUT", points=10)
    add_reward(api, "5 € off", 100)
    helene, marc, zoe = (new_client(api, first, "Client")["id"] for first in ("Hélène", "Marc", "Zoé"))
    clock.set(START - timedelta(days=60))
    sell(api, helene, ("COL", 1, "60.00"))
    sell(api, marc, ("CUT", 1, "40.00"))
    give_points(api, zoe, 150)
    clock.set(START)
    return {"rule": rule}


def preview(client, path: str, action: str, months: str, **fields):
    page = client.get(path).get_data(as_text=True)
    return client.post(action, data={"csrf_token": csrf_of(page), "months": months, **fields})


def figures(page: str) -> str:
    found = re.search(r'<p class="preview-figures">\s*(.*?)\s*</p>', page, re.S)
    assert found, page
    return re.sub(r"\s+", " ", found.group(1))


def program(api) -> dict:
    return api.ok("GET", "/program", as_="manager")


def test_the_programme_page_has_the_three_buttons_inside_its_form(manager):
    page = manager.get("/manage/program").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/manage/program".*?</form>', page, re.S).group(0)
    for months in ("3", "6", "12"):
        assert re.search(rf'<button[^>]*formaction="/manage/preview#preview-result"[^>]*name="months" value="{months}"'
                         rf'[^>]*>{months} months</button>', form), form
    assert "What if? Last" in form


def test_the_programme_change_is_previewed_under_the_form_as_typed_and_not_saved(manager, api, history):
    before = program(api)
    response = preview(manager, "/manage/program", "/manage/preview", "6", **{**FORM, "points_per_unit": "2"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert figures(page) == ("Over the last 6 months: 2 sales with a client; points earned 110, with this change 210"
                             " (+91%); clients able to take a reward: 1 now, 2 with the change.")
    assert re.search(r'name="points_per_unit" type="text" value="2"', page)  # what was typed, not what is saved
    assert "Nothing was saved." in page
    assert program(api) == before


def test_a_change_that_earns_nothing_more_shows_no_percent_when_nothing_was_earned(manager, api, clock):
    response = preview(manager, "/manage/program", "/manage/preview", "3", **FORM)
    assert figures(response.get_data(as_text=True)) == (
        "Over the last 3 months: 0 sales with a client; points earned 0, with this change 0; clients able to take"
        " a reward: 0 now, 0 with the change.")


def test_a_bad_value_is_refused_by_its_field_as_the_save_refuses_it(manager, api, history):
    before = program(api)
    response = preview(manager, "/manage/program", "/manage/preview", "6", **{**FORM, "points_per_unit": "-1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    saved = preview(manager, "/manage/program", "/manage/program", "6", **{**FORM, "points_per_unit": "-1"})
    error = r'name="points_per_unit"[^>]*aria-invalid="true"[^>]*>.*?<span class="field-error" id="points_per_unit-error">([^<]+)'
    assert re.search(error, page, re.S).group(1) == re.search(error, saved.get_data(as_text=True), re.S).group(1)
    assert 'class="preview-figures"' not in page
    assert program(api) == before


def test_a_period_other_than_3_6_or_12_months_is_refused(manager, api, history):
    response = preview(manager, "/manage/program", "/manage/preview", "5", **FORM)
    assert response.status_code == 422
    assert 'class="preview-figures"' not in response.get_data(as_text=True)


def test_a_new_rule_is_previewed_from_its_form(manager, api, history):
    """A colour rule of 40 points: Hélène's 60 + 40 reach the reward."""
    rules_before = api.ok("GET", "/rules", as_="manager")
    page = manager.get("/manage/rules/new/category").get_data(as_text=True)
    assert re.search(r'formaction="/manage/preview\?kind=category#preview-result"[^>]*name="months" value="12"', page)
    response = preview(manager, "/manage/rules/new/category", "/manage/preview?kind=category", "12",
                       category="colour", points="40", active=["false", "true"])
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert figures(page) == ("Over the last 12 months: 2 sales with a client; points earned 110, with this change 150"
                             " (+36%); clients able to take a reward: 1 now, 2 with the change.")
    assert re.search(r'name="points" type="number" value="40"', page)
    assert api.ok("GET", "/rules", as_="manager") == rules_before


def test_an_edited_rule_replaces_itself_in_the_preview(manager, api, history):
    """The cut's 10 points made 5 (in the form of the rule, `rule_id` in the button's address)."""
    rule_id = history["rule"]["id"]
    page = manager.get(f"/manage/rules/{rule_id}").get_data(as_text=True)
    action = f"/manage/preview?kind=service&amp;rule_id={rule_id}"
    assert f'formaction="{action}#preview-result"' in page
    response = preview(manager, f"/manage/rules/{rule_id}", action.replace("&amp;", "&"), "3",
                       service_code="CUT", points="5", active=["false", "true"])
    assert response.status_code == 200
    assert "points earned 110, with this change 105 (−5%)" in figures(response.get_data(as_text=True))
    paused = preview(manager, f"/manage/rules/{rule_id}", action.replace("&amp;", "&"), "3",
                     service_code="CUT", points="10", active="false")
    assert "with this change 100 (−9%)" in figures(paused.get_data(as_text=True))
    assert api.ok("GET", f"/rules/{rule_id}", as_="manager")["points"] == 10


def test_a_rule_form_is_refused_by_its_fields_as_its_save_refuses_it(manager, api, history):
    response = preview(manager, "/manage/rules/new/service", "/manage/preview?kind=service", "6",
                       service_code="CUT", points="0")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'name="points"[^>]*aria-invalid="true"', page)
    duplicate = preview(manager, "/manage/rules/new/service", "/manage/preview?kind=service", "6",
                        service_code="cut", points="20")
    assert duplicate.status_code == 422
    page = duplicate.get_data(as_text=True)
    assert re.search(r'<span class="field-error" id="service_code-error">There is a rule for this one already',
                     page), page
    assert len(api.ok("GET", "/rules", as_="manager")) == 1


def test_an_unknown_kind_or_rule_is_a_404(manager, history):
    assert preview(manager, "/manage/program", "/manage/preview?kind=horoscope", "6").status_code == 404
    assert preview(manager, "/manage/program", "/manage/preview?kind=service&rule_id=999", "6",
                   service_code="CUT", points="5").status_code == 404


def test_a_cashier_gets_the_403_page(client, staff):
    from tests.panel.logins import log_in

    log_in(client, "Camille", "1234")
    page = client.get("/").get_data(as_text=True)
    assert client.post("/manage/preview", data={"csrf_token": csrf_of(page), "months": "6", **FORM}).status_code == 403
