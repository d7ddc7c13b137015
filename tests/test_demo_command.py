"""`pos-loyalty demo --no-serve`: a progress bar while the year loads, then where to go, who to be, how to stop."""
import pytest
from sqlalchemy import func, select

from pos_loyalty.extensions import db
from pos_loyalty.models import ApiToken, Client

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def demo_app(tmp_path):
    from pos_loyalty import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'demo.sqlite'}", "SECRET_KEY": "x",
                      "TESTING": True})
    yield app
    with app.app_context():
        db.engine.dispose()


def test_demo_loads_with_a_progress_bar_then_prints_urls_pins_tokens_and_ctrl_c(demo_app, monkeypatch):
    from click._termui_impl import ProgressBar

    positions = []
    update = ProgressBar.update

    def recording_update(bar, steps, current_item=None):
        update(bar, steps, current_item)
        positions.append((bar.pos, bar.length))

    monkeypatch.setattr(ProgressBar, "update", recording_update)
    runner = demo_app.test_cli_runner()
    first = runner.invoke(args=["demo", "--no-serve", "--host", "0.0.0.0", "--port", "5123"])
    assert first.exit_code == 0, first.output
    assert "Loading a year of sales history" in first.output
    # The replay fed the bar day by day, to its end (the bar draws only its label when not on a terminal).
    assert len(positions) > 300
    assert [pos for pos, _ in positions] == sorted(pos for pos, _ in positions)
    assert positions[-1][0] == positions[-1][1] >= 400
    assert "50 clients" in first.output
    for url in ("http://127.0.0.1:5123/\n", "http://127.0.0.1:5123/manage\n", "http://127.0.0.1:5123/display\n",
                "http://127.0.0.1:5123/manage/tills"):
        assert url in first.output
    assert "0.0.0.0:5123" in first.output and "every interface" in first.output
    assert "PIN 1234" in first.output and "PIN 9876" in first.output
    assert "Ctrl+C" in first.output
    with demo_app.app_context():
        tokens = _printed_tokens(first.output)
        assert db.session.scalar(select(func.count(Client.id))) == 50
        assert db.session.scalar(select(func.count(ApiToken.id))) == 2

    # Both printed tokens work, each with its role.
    http = demo_app.test_client()
    assert http.get("/api/v1/program", headers={"Authorization": f"Bearer {tokens['till-1']}"}).status_code == 200
    assert http.patch("/api/v1/program", json={"welcome_bonus": 10},
                      headers={"Authorization": f"Bearer {tokens['till-1']}"}).status_code == 403
    assert http.patch("/api/v1/program", json={"welcome_bonus": 10},
                      headers={"Authorization": f"Bearer {tokens['manager']}"}).status_code == 200

    second = runner.invoke(args=["demo", "--no-serve", "--port", "6001"])
    assert second.exit_code == 0, second.output
    assert "Loading a year" not in second.output and "already loaded" in second.output
    assert "http://127.0.0.1:6001/manage" in second.output and "127.0.0.1:6001/display" in second.output
    assert "PIN 1234" in second.output and "PIN 9876" in second.output and "Ctrl+C" in second.output
    assert set(_printed_tokens(second.output).values()).isdisjoint(tokens.values())
    with demo_app.app_context():
        assert db.session.scalar(select(func.count(Client.id))) == 50


def _printed_tokens(output: str) -> dict[str, str]:
    tokens = {}
    for line in output.splitlines():
        label, _, value = line.strip().partition(":")
        if label in ("till-1", "manager") and value.strip() and " " not in value.strip():
            tokens[label] = value.strip()
    assert set(tokens) == {"till-1", "manager"}, output
    return tokens
