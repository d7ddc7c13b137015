"""/manage/rules: every rule kind created, edited, paused and deleted from the page, read back through the
API; the rules as sentences; a bad value refused by its field and nothing saved; a plugin's kind gets a
form generated from its schema."""
import re

import pytest
from marshmallow import Schema, fields, validate

from pos_loyalty.hookspecs import RuleKind, hookimpl
from salon_setup import add_item, add_rule
from tests.panel.manage.conftest import save

pytestmark = pytest.mark.sqlite_only


class StampSchema(Schema):
    points = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100),
                            metadata={"label": "Stamps per visit"})
    min_amount = fields.Decimal(as_string=True, allow_none=True, load_default=None)
    starts_on = fields.Date(allow_none=True, load_default=None)
    days = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=7)), load_default=list)
    extra_codes = fields.List(fields.Integer(strict=True), load_default=list)
    note = fields.String(load_default="")
    members_only = fields.Boolean(load_default=False)


class StampPlugin:
    """A rule kind from outside, with no words of ours: its form comes from its schema."""

    @hookimpl
    def loyalty_rule_kinds(self):
        return [RuleKind("stamp", StampSchema, lambda p: f"{p['points']} stamps a visit")]


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PLUGINS": [StampPlugin()]}


@pytest.fixture
def catalogue(app, api):
    add_item(api, "PORTRAIT", "Portrait studio", "75.00", category="photo")
    add_item(api, "BALAYAGE", "Balayage", "90.00", category="colour")
    add_item(api, "SHAMP", "Shampooing", "15.00", kind="product", category="retail")
    with app.app_context():
        from pos_loyalty.extensions import db
        from pos_loyalty.models import CatalogueCategory

        db.session.add(CatalogueCategory(salon_id=1, code="colour", display_name="Couleur", position=1))
        db.session.commit()


TUESDAYS = {"description": "Mardi points doublés", "factor": "2", "starts_on": "2027-01-01", "ends_on": "",
            "weekdays": ["", "2"], "from_time": "", "to_time": "", "active": ["false", "true"]}


def rules(api) -> list[dict]:
    return api.ok("GET", "/rules", as_="manager")


def versions(api) -> list[dict]:
    return api.ok("GET", "/program/versions", as_="manager")


def flash_of(page: str) -> str:
    found = re.search(r'<p class="message ok">([^<]+)</p>', page)
    return found.group(1) if found else ""


def error_by(page: str, field: str) -> str:
    """The error under the field, which is marked invalid (a select, an input or the weekday group)."""
    marked = re.search(rf'name="{field}"[^>]*aria-invalid="true"|aria-describedby="{field}-error"', page)
    error = re.search(rf'<span class="field-error" id="{field}-error">([^<]+)</span>', page)
    assert marked and error, page
    return error.group(1)


@pytest.mark.parametrize("kind, form, params, sentence", [
    ("service", {"service_code": "PORTRAIT", "points": "50"}, {"service_code": "PORTRAIT", "points": 50},
     "50 points for each Portrait studio"),
    ("category", {"category": "colour", "points": "20"}, {"category": "colour", "points": 20},
     "20 points for each service in Couleur"),
    ("multiplier", TUESDAYS, {"factor": "2.00", "description": "Mardi points doublés", "starts_on": "2027-01-01",
                              "ends_on": None, "weekdays": [2], "from_time": None, "to_time": None},
     "Mardi points doublés: ×2 on Tuesdays from 1 January 2027"),
    ("multiplier", {"factor": "1,5", "weekdays": ["1", "6"], "from_time": "18:00", "to_time": "20:00",
                    "ends_on": "2027-03-31", "active": "false"},
     {"factor": "1.50", "weekdays": [1, 6], "from_time": "18:00:00", "to_time": "20:00:00",
      "ends_on": "2027-03-31"},
     "×1.5 Mon, Sat 18:00–20:00 until 31 March 2027"),
    ("stamp", {"points": "3", "min_amount": "20,50", "days": ["", "6", "7"], "extra_codes": "4, 9",
               "note": "Samedi", "members_only": ["false", "true"], "starts_on": "2027-02-01"},
     {"points": 3, "min_amount": "20.50", "days": [6, 7], "extra_codes": [4, 9], "note": "Samedi",
      "members_only": True, "starts_on": "2027-02-01"},
     "3 stamps a visit"),
])
def test_each_kind_created_from_the_page_reads_back_through_the_api(manager, api, catalogue, kind, form, params,
                                                                    sentence):
    before = len(versions(api))
    response = save(manager, f"/manage/rules/new/{kind}", **form)
    assert response.status_code == 302, response.get_data(as_text=True)
    [rule] = rules(api)
    assert rule["kind"] == kind
    # GET /rules answers the kind's own `description` beside the rule's; the multiplier's name starts it.
    assert {name: rule[name] for name in params if name != "description"} == {
        name: value for name, value in params.items() if name != "description"}
    assert rule["description"].startswith(params.get("description", ""))
    assert rule["active"] is (form.get("active") != "false")
    assert len(versions(api)) == before + 1
    page = manager.get("/manage/rules").get_data(as_text=True)
    assert sentence in page
    assert f"New rule: {sentence}" in flash_of(page)
    state = "off\">paused" if form.get("active") == "false" else "ok\">in force"
    assert re.search(rf'<p class="rule-sentence">{re.escape(sentence)}\s*<span class="badge {state}', page), page


def test_the_service_and_category_forms_choose_from_the_catalogue(manager, catalogue):
    service = manager.get("/manage/rules/new/service").get_data(as_text=True)
    assert re.search(r'<select name="service_code"', service)
    assert '<option value="PORTRAIT">Portrait studio (PORTRAIT)</option>' in service
    assert "SHAMP" not in service  # a product is not a service
    category = manager.get("/manage/rules/new/category").get_data(as_text=True)
    assert '<option value="colour">Couleur</option>' in category
    assert '<option value="photo">Photo</option>' in category  # no display name: the code made readable


def test_the_multiplier_form_has_a_weekday_picker_and_date_and_time_inputs(manager):
    page = manager.get("/manage/rules/new/multiplier").get_data(as_text=True)
    days = re.findall(r'<input type="checkbox" name="weekdays" value="(\d)"> <span>([^<]+)</span>', page)
    assert days == [("1", "Monday"), ("2", "Tuesday"), ("3", "Wednesday"), ("4", "Thursday"), ("5", "Friday"),
                    ("6", "Saturday"), ("7", "Sunday")]
    for name, kind in [("starts_on", "date"), ("ends_on", "date"), ("from_time", "time"), ("to_time", "time")]:
        assert f'name="{name}" type="{kind}"' in page
    assert 'name="description"' in page and 'name="factor"' in page


@pytest.mark.parametrize("kind, form, field, message", [
    ("multiplier", {**TUESDAYS, "starts_on": "2027-03-01", "ends_on": "2027-02-01"}, "ends_on",
     "The end date is before the start date."),
    ("multiplier", {**TUESDAYS, "from_time": "20:00", "to_time": "18:00"}, "to_time",
     "The end time must be after the start time."),
    ("multiplier", {**TUESDAYS, "from_time": "18:00"}, "to_time", "Give both a start and an end time, or neither."),
    ("multiplier", {**TUESDAYS, "factor": ""}, "factor", ""),
    ("multiplier", {**TUESDAYS, "factor": "0"}, "factor", "A factor from 0.01 to 100, e.g. 2 for double points."),
    ("multiplier", {**TUESDAYS, "weekdays": ["2", "9"]}, "weekdays", "A weekday is a number from 1 (Monday) to 7"),
    ("service", {"service_code": "PORTRAIT", "points": "0"}, "points", ""),
    ("service", {"service_code": "", "points": "10"}, "service_code", ""),
    ("service", {"service_code": "portrait", "points": "10"}, "service_code", "There is a rule for this one"),
    ("category", {"category": "photo", "points": "10"}, "category", "There is a rule for this one"),
    ("stamp", {"points": "0"}, "points", ""),
    ("stamp", {"points": "2", "extra_codes": "4, x"}, "extra_codes", ""),
])
def test_a_bad_value_is_refused_by_its_field_and_nothing_is_saved(manager, api, catalogue, kind, form, field,
                                                                   message):
    add_rule(api, kind="service", service_code="PORTRAIT", points=50)
    add_rule(api, kind="category", category="photo", points=5)
    before, history = rules(api), len(versions(api))
    response = save(manager, f"/manage/rules/new/{kind}", **form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in error_by(page, field)
    assert "Nothing was saved" in page
    assert rules(api) == before and len(versions(api)) == history


def test_the_page_and_the_api_refuse_alike(manager, api):
    """One check: the API's message for the same value is the page's (in English, the panel's language here)."""
    code, body = api.call("POST", "/rules", {"kind": "multiplier", "factor": "2", "starts_on": "2027-03-01",
                                             "ends_on": "2027-02-01"}, as_="manager")
    assert code == 422 and body["error"]["details"]["ends_on"] == ["The end date is before the start date."]
    page = save(manager, "/manage/rules/new/multiplier",
                **{**TUESDAYS, "starts_on": "2027-03-01", "ends_on": "2027-02-01"}).get_data(as_text=True)
    assert error_by(page, "ends_on") == "The end date is before the start date."


def test_a_generated_form_labels_and_marks_the_plugin_fields(manager):
    page = manager.get("/manage/rules/new/stamp").get_data(as_text=True)
    assert re.search(r'<span class="label">Stamps per visit \*</span>\s*<input name="points" type="number"[^>]*'
                     r'required', page)
    assert re.search(r'<span class="label">Min amount</span>\s*<input name="min_amount" type="text"', page)
    assert 'name="starts_on" type="date"' in page
    assert re.findall(r'type="checkbox" name="days" value="(\d)"> <span>(\w+)', page)[5] == ("6", "Saturday")
    assert re.search(r'<input name="extra_codes" type="text"', page)
    assert 'type="checkbox" name="members_only"' in page


def test_an_edit_is_a_version_said_in_words(manager, api, catalogue):
    rule = add_rule(api, kind="service", service_code="PORTRAIT", points=50)
    before = len(versions(api))
    page = manager.get(f"/manage/rules/{rule['id']}").get_data(as_text=True)
    assert '<option value="PORTRAIT" selected>' in page and 'value="50"' in page
    response = save(manager, f"/manage/rules/{rule['id']}", service_code="PORTRAIT", points="60",
                    active=["false", "true"])
    assert response.status_code == 302
    assert rules(api)[0]["points"] == 60 and len(versions(api)) == before + 1
    words = flash_of(manager.get("/manage/rules").get_data(as_text=True))
    assert "Rule changed: 50 points for each Portrait studio → 60 points for each Portrait studio" in words


def test_an_edit_of_a_multiplier_can_clear_its_weekdays_and_hours(manager, api):
    rule = add_rule(api, kind="multiplier", factor="2", weekdays=[2], from_time="18:00", to_time="20:00")
    page = manager.get(f"/manage/rules/{rule['id']}").get_data(as_text=True)
    assert re.search(r'name="weekdays" value="2" checked', page) and 'value="18:00"' in page
    save(manager, f"/manage/rules/{rule['id']}", factor="2", weekdays="", from_time="", to_time="",
         active=["false", "true"])
    [after] = rules(api)
    assert after["weekdays"] == [] and after["from_time"] is None and after["to_time"] is None


def test_a_save_that_changes_nothing_makes_no_version(manager, api, catalogue):
    rule = add_rule(api, kind="service", service_code="PORTRAIT", points=50)
    before = len(versions(api))
    save(manager, f"/manage/rules/{rule['id']}", service_code="PORTRAIT", points="50", active=["false", "true"])
    assert len(versions(api)) == before
    assert "Nothing changed." in manager.get("/manage/rules").get_data(as_text=True)


def test_pause_resume_and_delete_are_versions_said_in_words(manager, api, catalogue):
    rule = add_rule(api, kind="multiplier", factor="2", weekdays=[2], description="Mardi points doublés")
    start = len(versions(api))
    page_path = "/manage/rules"
    from tests.panel.logins import csrf_of

    token = csrf_of(manager.get(page_path).get_data(as_text=True))
    manager.post(f"/manage/rules/{rule['id']}/active", data={"csrf_token": token, "active": "false"})
    assert rules(api)[0]["active"] is False and len(versions(api)) == start + 1
    page = manager.get(page_path).get_data(as_text=True)
    assert flash_of(page).endswith("Rule paused: Mardi points doublés: ×2 on Tuesdays")
    assert re.search(r'Mardi points doublés: ×2 on Tuesdays\s*<span class="badge off">paused', page)
    manager.post(f"/manage/rules/{rule['id']}/active", data={"csrf_token": token, "active": "true"})
    assert rules(api)[0]["active"] is True and len(versions(api)) == start + 2
    assert "Rule resumed: Mardi" in flash_of(manager.get(page_path).get_data(as_text=True))
    manager.post(f"/manage/rules/{rule['id']}/delete", data={"csrf_token": token})
    assert rules(api) == [] and len(versions(api)) == start + 3
    assert "Rule removed: Mardi points doublés: ×2 on Tuesdays" in flash_of(manager.get(page_path).get_data(as_text=True))
    assert manager.get(f"/manage/rules/{rule['id']}").status_code == 404


def test_the_versions_say_a_paused_rule(manager, api):
    """The programme's history words a pause by the rule's sentence with its state (change_words.describe)."""
    rule = add_rule(api, kind="category", category="colour", points=20)
    api.ok("PATCH", f"/rules/{rule['id']}", {"active": False}, as_="manager")
    with manager.application.test_request_context():
        from flask_babel import force_locale

        from pos_loyalty.panel.manage.change_words import describe
        from pos_loyalty.services.versions import list_versions

        with force_locale("en"):
            [(name, pair)] = list_versions()[0]["changes"].items()
            assert describe(name, *pair).endswith("20 points for each service in Colour")


def test_every_kind_can_be_added_from_the_list(manager, api, catalogue):
    add_rule(api, kind="service", service_code="GONE", points=5)
    page = manager.get("/manage/rules").get_data(as_text=True)
    for kind in ("service", "category", "multiplier", "stamp"):
        assert f'href="/manage/rules/new/{kind}"' in page
    assert "5 points for each GONE" in page  # a code not in the catalogue is said as it is
    edit = manager.get(f"/manage/rules/{rules(api)[0]['id']}").get_data(as_text=True)
    assert '<option value="GONE" selected>GONE (not in the catalogue)</option>' in edit
    assert manager.get("/manage/rules/new/nonsense").status_code == 404


def test_a_cashier_gets_the_403_page(client, staff, api):
    from tests.panel.logins import log_in

    rule = add_rule(api, kind="multiplier", factor="2")
    log_in(client, "Camille", "1234")
    for path in ("/manage/rules", "/manage/rules/new/service", f"/manage/rules/{rule['id']}"):
        assert client.get(path).status_code == 403, path
    assert client.post("/manage/rules/new/service", data={"service_code": "X", "points": "5"}).status_code in (400, 403)
    assert client.post(f"/manage/rules/{rule['id']}/delete").status_code in (400, 403)
    assert len(rules(api)) == 1


@pytest.mark.parametrize("language, params, sentence", [
    ("en", {"factor": "2", "weekdays": [2], "starts_on": "2027-01-01", "ends_on": "2027-01-31"},
     "×2 on Tuesdays from 1 January 2027 to 31 January 2027"),
    ("en", {"factor": "3", "starts_on": "2027-05-01", "ends_on": "2027-05-01"}, "×3 on 1 May 2027"),
    ("en", {"factor": "2", "weekdays": [5, 1, 2, 3, 4, 7]}, "×2 Mon–Fri, Sun"),
    ("en", {"factor": "2", "weekdays": [1, 2, 3, 4, 5, 6, 7], "description": "Tous les jours"}, "Tous les jours: ×2"),
    ("en", {"factor": "1.25", "from_time": "09:00:00", "to_time": "12:30:00"}, "×1.25 09:00–12:30"),
    ("fr", {"factor": "2", "weekdays": [1, 6], "ends_on": "2027-03-31"}, "lun., sam. | 31 mars 2027"),
    ("en", {"points": 1, "service_code": "BRUSH"}, "1 point for each BRUSH"),
])
def test_multipliers_and_rules_read_as_sentences(app, language, params, sentence):
    """Dates and weekday names by babel in the panel's language, with the salon's (French) conventions."""
    kind = "service" if "service_code" in params else "multiplier"
    with app.test_request_context():
        from flask_babel import force_locale

        from pos_loyalty.panel.manage.sentences import rule_sentence

        with force_locale(language):
            words = rule_sentence(kind, params)
            for piece in sentence.split(" | "):  # words of ours get translated later: only babel's are checked
                assert piece in words, words
