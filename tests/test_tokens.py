"""API tokens from the command line: create with an expiry, list without secrets, revoke by name; a revoked
or expired token is refused with 401 from the very next request (expiry by the injectable clock)."""
from datetime import timedelta

import pytest


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def create(runner, *args: str) -> str:
    result = runner.invoke(args=["token", "create", *args])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def status(client, token: str) -> int:
    return client.get("/api/v1/program", headers={"Authorization": f"Bearer {token}"}).status_code


def test_revoke_by_name_is_refused_at_once(runner, client):
    token = create(runner, "--role", "till", "--name", "front-desk")
    twin = create(runner, "--role", "till", "--name", "front-desk")
    other = create(runner, "--role", "manager", "--name", "Ana")
    assert status(client, token) == status(client, twin) == 200
    result = runner.invoke(args=["token", "revoke", "front-desk"])
    assert result.exit_code == 0 and "2 token(s)" in result.output
    for revoked in (token, twin):
        response = client.get("/api/v1/program", headers={"Authorization": f"Bearer {revoked}"})
        assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"
    assert status(client, other) == 200


def test_revoking_an_unknown_name_is_a_clear_error(runner):
    create(runner, "--role", "till", "--name", "front-desk")
    result = runner.invoke(args=["token", "revoke", "no-such-token"])
    assert result.exit_code != 0 and "no token in force named 'no-such-token'" in result.output
    again = runner.invoke(args=["token", "revoke", "front-desk"])
    assert again.exit_code == 0
    assert runner.invoke(args=["token", "revoke", "front-desk"]).exit_code != 0  # already revoked


def test_list_shows_name_role_till_dates_never_the_secret(runner, app, clock):
    till = create(runner, "--role", "till", "--name", "front-desk", "--till", "till-2")
    manager = create(runner, "--role", "manager", "--name", "Ana", "--expires-in", "30")
    runner.invoke(args=["token", "revoke", "front-desk"])
    result = runner.invoke(args=["token", "list"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[0].split("\t") == ["name", "role", "till", "created", "expires", "revoked"]
    rows = {line.split("\t")[0]: line.split("\t") for line in lines[1:]}
    now = clock().isoformat(timespec="minutes")
    assert rows["front-desk"] == ["front-desk", "till", "till-2", now, "-", now]
    assert rows["Ana"] == ["Ana", "manager", "-", now, (clock() + timedelta(days=30)).isoformat(timespec="minutes"), "-"]
    assert till not in result.output and manager not in result.output
    with app.app_context():
        from sqlalchemy import select

        from pos_loyalty.extensions import db
        from pos_loyalty.models import ApiToken

        digests = db.session.scalars(select(ApiToken.token_hash)).all()
    assert not any(digest in result.output for digest in digests)


def test_a_token_expires_after_its_days(runner, client, clock):
    token = create(runner, "--role", "till", "--name", "temp", "--expires-in", "2")
    assert status(client, token) == 200
    clock.advance(days=2, seconds=-1)
    assert status(client, token) == 200
    clock.advance(seconds=1)
    response = client.get("/api/v1/program", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and "expired" in response.get_json()["error"]["message"]


def test_a_token_works_to_the_end_of_its_day_in_the_salon(runner, client, clock):
    # The clock starts at 10:15 in Paris on 22 November 2026.
    token = create(runner, "--role", "manager", "--name", "auditor", "--expires", "2026-11-23")
    clock.advance(hours=37, minutes=44)  # 23:59 on the 23rd in Paris
    assert status(client, token) == 200
    clock.advance(minutes=1)  # midnight in Paris
    assert status(client, token) == 401


@pytest.mark.parametrize("args, message", [
    (["--expires-in", "0"], "0"),
    (["--expires", "2026-11-21"], "already past"),
    (["--expires", "tomorrow"], "tomorrow"),
    (["--expires-in", "3", "--expires", "2027-01-01"], "not both"),
])
def test_a_bad_expiry_is_refused_and_creates_nothing(runner, args, message):
    result = runner.invoke(args=["token", "create", "--role", "till", "--name", "bad", *args])
    assert result.exit_code != 0 and message in result.output
    assert "bad\t" not in runner.invoke(args=["token", "list"]).output


def test_create_still_prints_the_token_as_its_last_line(runner, client):
    token = create(runner, "--role", "till")
    assert token.startswith("pl_") and status(client, token) == 200
