"""/manage/catalogue: services and products created, edited, retired and reactivated from the page, read
back through the API; grouped by category under each category's display name; a bad value refused by its
field and nothing saved; a category named on the page ("colour" → "Couleur") is what the till shows."""
import html
import re

import pytest

from salon_setup import add_item
from tests.panel.logins import log_in
from tests.panel.manage.conftest import save

pytestmark = pytest.mark.sqlite_only

ITEM = {"code": "GLOSS", "name": "Gloss", "kind": "service", "category": "colour", "price": "35,5"}


@pytest.fixture
def catalogue(api):
    return {"balayage": add_item(api, "BALAYAGE", "Balayage", "90.00", category="colour"),
            "brush": add_item(api, "BRUSH", "Brushing", "30.00", category="cut"),
            "shamp": add_item(api, "SHAMP", "Shampooing", "15.00", kind="product", category="retail")}


def items(api) -> list[dict]:
    """What the till's API sells (active items only)."""
    return api.ok("GET", "/catalogue")


def everything(api, app) -> list[tuple]:
    with app.app_context():
        from pos_loyalty.services.catalogue import list_items

        return [(i.code, i.name, i.kind, i.category, str(i.price), i.active)
                for i in list_items(1, include_inactive=True)]


def text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).replace("\xa0", " ")


def flash(client) -> str:
    page = client.get("/manage/catalogue").get_data(as_text=True)
    found = re.search(r'<p class="message (?:ok|info)">([^<]+)</p>', page)
    assert found, page
    return html.unescape(found.group(1)).replace("\xa0", " ")


def field_error(page: str, field: str) -> str:
    found = re.search(rf'name="{field}"[^>]*aria-invalid="true"[^>]*>.*?<span class="field-error" id="[^"]+-error">'
                      r"([^<]+)", page, re.S)
    assert found, page
    return html.unescape(found.group(1))


def headings(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<h3 class="category-title">([^<]+)</h3>', page)]


def till_headings(client) -> list[str]:
    page = client.get("/").get_data(as_text=True)
    return [html.unescape(h) for h in re.findall(r'<h3 class="category"[^>]*>([^<]+)</h3>', page)]


def test_services_then_products_grouped_by_category_under_its_readable_name(manager, catalogue):
    page = manager.get("/manage/catalogue").get_data(as_text=True)
    words = text(page)
    assert words.index("Services") < words.index("Colour") < words.index("Balayage") < words.index("Cut") \
        < words.index("Brushing") < words.index("Products") < words.index("Retail") < words.index("Shampooing")
    assert headings(page) == ["Colour", "Cut", "Retail"]  # the code made readable: never "colour", never "COLOUR"
    assert "Balayage BALAYAGE €90.00" in words  # the price in the salon's money


def test_an_item_created_from_the_page_reads_back_through_the_api(manager, api, catalogue):
    response = save(manager, "/manage/catalogue", **{**ITEM, "code": "gloss", "category": " Colour "})
    assert response.status_code == 302
    assert flash(manager) == "Added: Gloss (GLOSS), €35.50."
    gloss = [i for i in items(api) if i["code"] == "GLOSS"]
    assert [{k: i[k] for k in ("name", "kind", "category", "price", "active")} for i in gloss] == [
        {"name": "Gloss", "kind": "service", "category": "colour", "price": "35.50", "active": True}]
    assert "Gloss GLOSS €35.50" in text(manager.get("/manage/catalogue").get_data(as_text=True))


@pytest.mark.parametrize("form, field, message", [
    ({**ITEM, "code": "brush"}, "code", "This code is taken in the salon's catalogue: choose another one."),
    ({**ITEM, "code": "BRUSH"}, "code", "This code is taken in the salon's catalogue: choose another one."),
    ({**ITEM, "price": "-5"}, "price", "Not an amount"),
    ({**ITEM, "price": "12,345"}, "price", "Not an amount"),
    ({**ITEM, "price": ""}, "price", "Required."),
    ({**ITEM, "name": " "}, "name", "Required."),
    ({**ITEM, "code": "deux mots"}, "code", "Letters, digits, - _ . (40 at most)."),
    ({**ITEM, "kind": "gift"}, "kind", "Choose one of"),
])
def test_a_bad_value_is_refused_by_its_field_with_422_and_nothing_is_saved(manager, api, app, catalogue, form,
                                                                             field, message):
    before = everything(api, app)
    response = save(manager, "/manage/catalogue", **form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, field).startswith(message)
    assert "Nothing was saved" in page
    assert everything(api, app) == before


def test_an_edit_is_saved_and_said_in_words(manager, api, catalogue):
    brush = catalogue["brush"]
    page = manager.get(f"/manage/catalogue/{brush['id']}").get_data(as_text=True)
    assert 'name="price" type="text" value="30.00"' in page and 'name="code"' not in page  # the code stays
    response = save(manager, f"/manage/catalogue/{brush['id']}", name="Brushing long", kind="service",
                     category="colour", price="35")
    assert response.status_code == 302
    assert flash(manager) == "Brushing long: Name: Brushing → Brushing long; Category: Cut → Colour; " \
                             "Price: €30.00 → €35.00"
    read = [i for i in items(api) if i["code"] == "BRUSH"][0]
    assert (read["name"], read["category"], read["price"]) == ("Brushing long", "colour", "35.00")
    save(manager, f"/manage/catalogue/{brush['id']}", name="Brushing long", kind="service", category="colour",
         price="35,00")
    assert flash(manager) == "Nothing changed."


def test_an_edit_of_a_retired_item_keeps_it_retired(manager, api, app, catalogue):
    brush = catalogue["brush"]["id"]
    save(manager, f"/manage/catalogue/{brush}/active", active="false")
    save(manager, f"/manage/catalogue/{brush}", name="Brushing", kind="service", category="cut", price="32")
    assert ("BRUSH", "Brushing", "service", "cut", "32.00", False) in everything(api, app)


def test_an_edit_refused_keeps_what_was_typed_and_changes_nothing(manager, api, app, catalogue):
    before = everything(api, app)
    response = save(manager, f"/manage/catalogue/{catalogue['brush']['id']}", name="Brushing", kind="service",
                    category="cut", price="-1")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "price").startswith("Not an amount")
    assert 'value="-1"' in page
    assert everything(api, app) == before


def test_retired_then_reactivated_the_till_follows(manager, api, client, catalogue):
    brush = catalogue["brush"]
    save(manager, f"/manage/catalogue/{brush['id']}/active", active="false")
    assert flash(manager) == "Brushing is retired: the till no longer offers it."
    assert "BRUSH" not in [i["code"] for i in items(api)]
    page = manager.get("/manage/catalogue").get_data(as_text=True)
    assert re.search(r'id="item-BRUSH" class="retired">.*?badge off">retired<.*?Reactivate', page, re.S)
    save(manager, f"/manage/catalogue/{brush['id']}/active", active="true")
    assert flash(manager) == "Brushing is back at the till."
    assert "BRUSH" in [i["code"] for i in items(api)]
    actions = [(e["action"], e["after"]) for e in api.ok("GET", "/audit", as_="manager",
                                                          query={"action": "catalogue"})["items"]]
    assert actions[:2] == [("catalogue.update", {"active": True}), ("catalogue.update", {"active": False})]


def test_a_category_named_on_the_page_is_what_the_till_and_the_api_show(manager, api, app, client, staff,
                                                                         catalogue):
    page = manager.get("/manage/catalogue").get_data(as_text=True)
    assert re.findall(r'action="/manage/catalogue/categories/(\w+)"', page) == ["colour", "cut", "retail"]
    cashier = app.test_client()
    log_in(cashier, "Camille", "1234")
    assert till_headings(cashier) == ["Colour", "Cut", "Retail"]

    response = save(manager, "/manage/catalogue/categories/colour", display_name="Couleur")
    assert response.status_code == 302
    assert flash(manager) == "The category colour shows as “Couleur” at the till."
    assert till_headings(cashier) == ["Couleur", "Cut", "Retail"]
    assert headings(manager.get("/manage/catalogue").get_data(as_text=True)) == ["Couleur", "Cut", "Retail"]
    categories = api.ok("GET", "/catalogue/categories")
    assert [(c["code"], c["display_name"], c["label"], c["items"]) for c in categories] == [
        ("colour", "Couleur", "Couleur", 1), ("cut", None, "Cut", 1), ("retail", None, "Retail", 1)]
    entry = api.ok("GET", "/audit", as_="manager", query={"action": "catalogue.category"})["items"][0]
    assert (entry["object"], entry["before"], entry["after"], entry["staff"]) == (
        "category colour", None, {"display_name": "Couleur"}, "Isabelle")


def test_an_empty_category_name_is_refused_on_its_own_row_and_nothing_is_saved(manager, api, catalogue):
    save(manager, "/manage/catalogue/categories/cut", display_name="Coupe")
    response = save(manager, "/manage/catalogue/categories/cut", display_name="  ")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    rows = re.findall(r'<form method="post" action="/manage/catalogue/categories/(\w+)"[^>]*>(.*?)</form>', page, re.S)
    refused = {code: 'aria-invalid="true"' in body for code, body in rows}
    assert refused == {"colour": False, "cut": True, "retail": False}
    assert field_error(dict(rows)["cut"], "display_name") == "Required."
    assert [c["display_name"] for c in api.ok("GET", "/catalogue/categories") if c["code"] == "cut"] == ["Coupe"]


def test_the_api_names_a_category_for_managers_and_refuses_a_blank_name(api, catalogue):
    named = api.ok("PUT", "/catalogue/categories/Colour", {"display_name": "Couleur"}, as_="manager")
    assert named == {"code": "colour", "display_name": "Couleur", "label": "Couleur", "position": 0, "items": 1}
    code, answer = api.call("PUT", "/catalogue/categories/colour", {"display_name": " "}, as_="manager")
    assert code == 422 and "display_name" in answer["error"]["details"]
    assert api.call("PUT", "/catalogue/categories/colour", {"display_name": "Couleur"}, as_="till")[0] == 403
    assert api.ok("GET", "/catalogue/categories")[0]["display_name"] == "Couleur"


def test_a_cashier_gets_the_403_page(client, staff, api, catalogue):
    log_in(client, "Camille", "1234")
    brush = catalogue["brush"]["id"]
    for path in ("/manage/catalogue", f"/manage/catalogue/{brush}"):
        assert client.get(path).status_code == 403
    for path in ("/manage/catalogue", f"/manage/catalogue/{brush}", f"/manage/catalogue/{brush}/active",
                 "/manage/catalogue/categories/cut"):
        assert client.post(path, data={**ITEM, "active": "false", "display_name": "X"}).status_code in (400, 403)
    assert [i["code"] for i in items(api)] == ["BALAYAGE", "BRUSH", "SHAMP"]
    assert [c["display_name"] for c in api.ok("GET", "/catalogue/categories")] == [None, None, None]
