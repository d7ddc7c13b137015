"""The `pos-loyalty` command as installed: the contract's commands, run for real against a database file."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from conftest import free_port
from concurrency.conftest import wait_for_port

COMMAND = str(Path(sys.executable).with_name("pos-loyalty"))


@pytest.fixture
def database(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


def run(database: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "POS_LOYALTY_DATABASE_URL": database, "POS_LOYALTY_SECRET_KEY": "x"}
    return subprocess.run([COMMAND, *args], env=env, capture_output=True, text=True, timeout=120)


def test_upgrade_tokens_and_staff(database):
    from pos_loyalty import create_app

    assert run(database, "db", "upgrade").returncode == 0
    created = run(database, "token", "create", "--role", "till", "--name", "till-1")
    assert created.returncode == 0, created.stderr
    till_token = created.stdout.strip().splitlines()[-1]
    manager_token = run(database, "token", "create", "--role", "manager").stdout.strip().splitlines()[-1]
    client = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "x"}).test_client()
    assert client.get("/api/v1/program", headers={"Authorization": f"Bearer {till_token}"}).status_code == 200
    assert client.patch("/api/v1/program", json={"welcome_bonus": 5},
                        headers={"Authorization": f"Bearer {till_token}"}).status_code == 403
    assert client.patch("/api/v1/program", json={"welcome_bonus": 5},
                        headers={"Authorization": f"Bearer {manager_token}"}).status_code == 200

    added = run(database, "staff", "add", "--name", "Ana", "--role", "manager", "--pin", "1234")
    assert added.returncode == 0 and "Ana" in added.stdout
    refused = run(database, "staff", "add", "--name", "Bob", "--role", "cashier", "--pin", "12")
    assert refused.returncode != 0 and "4 to 8 digits" in refused.stderr
    wrong_role = run(database, "token", "create", "--role", "admin")
    assert wrong_role.returncode != 0


def test_serve_answers_over_loopback(database):
    assert run(database, "db", "upgrade").returncode == 0
    env = {**os.environ, "POS_LOYALTY_DATABASE_URL": database, "POS_LOYALTY_SECRET_KEY": "x"}
    for attempt in range(3):  # the command binds the port it is given: another worker may have taken it since
        port = free_port()
        server = subprocess.Popen([COMMAND, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            wait_for_port(port, server)
            break
        except RuntimeError:  # it exited (the port was taken) or never listened
            timed_out = server.poll() is None
            if timed_out:
                server.kill()
                server.wait()
            if timed_out or attempt == 2:
                raise
    try:
        document = requests.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=10).json()
        assert "/api/v1/sales/{sale_id}/payments" in document["paths"]
    finally:
        server.terminate()
        server.wait(timeout=15)
