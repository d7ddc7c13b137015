"""A rule's own fields read back as they were given: a multiplier's name is its `description`."""
from salon_setup import add_rule


def test_a_multiplier_reads_back_with_the_name_it_was_given(api):
    made = add_rule(api, kind="multiplier", factor="2", weekdays=[2], description="Mardi points doublés")
    assert made["description"] == "Mardi points doublés"
    listed = api.ok("GET", "/rules", as_="manager")
    assert [rule["description"] for rule in listed if rule["id"] == made["id"]] == ["Mardi points doublés"]
    patched = api.ok("PATCH", f"/rules/{made['id']}", {"description": "Mardi ×2"}, as_="manager")
    assert patched["description"] == "Mardi ×2"


def test_a_rule_without_a_name_answers_its_kind_in_words(api):
    made = add_rule(api, kind="service", service_code="PORTRAIT", points=50)
    assert made["description"] == "PORTRAIT: 50 points"
