"""The quote names the promotion in force: "×2 Mardi points doublés" under the points the sale earns, on the
days it applies only (the clock is injectable)."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from salon_setup import add_rule

from .test_panel_forms import logged_in

pytestmark = pytest.mark.sqlite_only

HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize("weekday, shown", [(2, True), (3, False)])
def test_the_ticket_names_the_promotion_on_its_day_only(app, api, salon, clock, weekday, shown):
    clock.set(datetime(2027, 1, 5, 10, 0, tzinfo=ZoneInfo("Europe/Paris")))  # a Tuesday
    add_rule(api, kind="multiplier", factor="2", weekdays=[weekday], description="Mardi points doublés")
    client, token = logged_in(app)
    client.post("/panel/attach", data={"csrf_token": token, "client_id": salon["client"]["id"]}, headers=HTMX)
    fragment = client.post("/panel/lines", data={"csrf_token": token, "code": "BRUSH"},
                           headers=HTMX).get_data(as_text=True)
    assert ('data-testid="promotion">×2 Mardi points doublés<' in fragment) is shown
    assert ("Cette vente rapporte 60 points" in fragment) is shown  # 30 € at 1 point per euro, doubled
