"""A real multi-worker server (gunicorn) on PostgreSQL, and helpers to load it from several processes."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start listening")


class Gunicorn:
    def __init__(self, database_url: str, workdir: Path, workers: int = 4):
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable))
        if gunicorn is None:
            pytest.fail("gunicorn is part of the test extra: pip install -e '.[test]'")
        # The test binds the port and hands gunicorn the socket (fd://): no other worker can take it meanwhile.
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        self.port = listener.getsockname()[1]
        self.gate = str(workdir / "gate")
        plugins = workdir / "plugins"
        plugins.mkdir()
        shutil.copy(Path(__file__).with_name("payment_gate_plugin.py"), plugins / "payment_gate.py")
        env = {**os.environ, "POS_LOYALTY_DATABASE_URL": database_url, "POS_LOYALTY_PLUGINS_DIR": str(plugins),
               "POS_LOYALTY_TEST_GATE": self.gate, "POS_LOYALTY_SECRET_KEY": "x"}
        self.process = subprocess.Popen(
            [gunicorn, "--workers", str(workers), "--threads", "2", "--bind", f"fd://{listener.fileno()}",
             "--graceful-timeout", "2", "--log-level", "warning", "pos_loyalty:create_app()"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, pass_fds=(listener.fileno(),))
        listener.close()  # gunicorn has its own descriptor of it
        wait_for_port(self.port, self.process)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def gunicorn_server(postgres_url, tmp_path):
    server = Gunicorn(postgres_url, tmp_path)
    yield server
    server.stop()


def call(base_url: str, token: str, method: str, path: str, json=None, key: str | None = None):
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    response = requests.request(method, base_url + "/api/v1" + path, json=json, headers=headers, timeout=60)
    return response.status_code, response.json() if response.content else None
