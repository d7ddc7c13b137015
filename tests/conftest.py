"""Fixtures: a real SQLite file per test (copied from one migrated template), an injectable clock,
an API helper holding a till token and a manager token, and the real server on loopback."""
from __future__ import annotations

import copy
import os
import socket
import threading
from datetime import UTC, datetime

import pytest

from pos_loyalty import create_app
from pos_loyalty.clock import FrozenClock

from databases import PostgresDatabases, SqliteDatabases, postgres_unavailable_reason

# 10:15 in Paris on 22 November 2026, the contract's sample moment.
START = datetime(2026, 11, 22, 9, 15, tzinfo=UTC)


def pytest_generate_tests(metafunc):
    """Every test that uses a database runs on SQLite and on PostgreSQL, unless marked sqlite_only."""
    if "backend" in metafunc.fixturenames:
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
        only_postgresql = metafunc.definition.get_closest_marker("postgresql_only") is not None
        backends = ["sqlite"] if only_sqlite else ["postgresql"] if only_postgresql else ["sqlite", "postgresql"]
        metafunc.parametrize("backend", backends, scope="session")


def pytest_collection_modifyitems(items):
    """Schemathesis names each operation's test "test_x[GET /api/v1/program]" but gives them all the node id
    "...::test_x". pytest-xdist's scheduling (loadgroup, loadfile) keeps one test per node id and would run
    one operation of each such test: every node id is made unique with its operation."""
    for item in items:
        original = getattr(item, "originalname", None)
        suffix = item.name[len(original):] if original else ""
        if suffix.startswith("[") and suffix.endswith("]") and item.nodeid.endswith("::" + original):
            if hasattr(getattr(item, "_id", None), "with_params"):  # pytest 9: a structured node id
                item._id = item._id.with_params(suffix[1:-1])
            else:
                item._nodeid = item.nodeid + suffix


@pytest.fixture(scope="session", autouse=True)
def pin_hashes_computed_once():
    """A PIN's scrypt hash costs a tenth of a second, to make and to check: the back-office tests add the same
    two staff members and sign in with the same PINs hundreds of times. So, for this process, a PIN is hashed
    once (the stored hash is a real salted scrypt hash, only shared by the rows of the same PIN) and a (hash,
    PIN) pair is checked once (the check is a pure function: a wrong PIN is still refused, by scrypt)."""
    from pos_loyalty.services import staff

    hashes, checks = {}, {}
    make, check = staff.generate_password_hash, staff.check_password_hash

    def generate_password_hash(pin, *args, **kwargs):
        key = (pin, args, tuple(sorted(kwargs.items())))
        if key not in hashes:
            hashes[key] = make(pin, *args, **kwargs)
        return hashes[key]

    def check_password_hash(pin_hash, pin):
        if (pin_hash, pin) not in checks:
            checks[pin_hash, pin] = check(pin_hash, pin)
        return checks[pin_hash, pin]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(staff, "generate_password_hash", generate_password_hash)
        patch.setattr(staff, "check_password_hash", check_password_hash)
        yield


@pytest.fixture(scope="session")
def database_pools(tmp_path_factory):
    """One migrated template per backend and session; each test gets a fresh copy of it."""
    pools = {}

    def pool(backend: str):
        if backend not in pools:
            if backend == "sqlite":
                pools[backend] = SqliteDatabases(tmp_path_factory.mktemp("sqlite"))
            else:
                reason = postgres_unavailable_reason()
                if reason:
                    if os.environ.get("CI") == "true":
                        pytest.fail(f"CI runs every test: {reason}")
                    pytest.skip(reason)
                pools[backend] = PostgresDatabases()
        return pools[backend]

    yield pool
    for created in pools.values():
        created.close()


@pytest.fixture
def database_url(backend, database_pools):
    pool = database_pools(backend)
    url = pool.fresh()
    yield url
    pool.drop(url)


@pytest.fixture
def postgres_url(database_pools):
    """A fresh, migrated PostgreSQL database (skips without a server, fails under CI=true): for the tests
    that need PostgreSQL's concurrency whatever the backend (gunicorn, the load test)."""
    pool = database_pools("postgresql")
    url = pool.fresh()
    yield url
    pool.drop(url)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


def base_app_config(database_url: str, clock) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "CLOCK": clock, "PRINT_WORKER": "manual", "PRINT_TIMEOUT": 0.5,
            "SECRET_KEY": "test", "REFERRAL_LINK": "https://salon.example/r/{code}"}


@pytest.fixture
def app_config(database_url, clock) -> dict:
    return base_app_config(database_url, clock)


def create_test_app(config: dict):
    app = create_app(config)
    with app.app_context():
        from pos_loyalty.services.setup import ensure_salon

        ensure_salon(name="Salon Étoile")
    return app


def dispose(app) -> None:
    with app.app_context():
        from pos_loyalty.extensions import db

        db.engine.dispose()


@pytest.fixture
def app(app_config):
    app = create_test_app(app_config)
    yield app
    dispose(app)


@pytest.fixture
def client(app):
    return app.test_client()


class Prepared:
    """A set-up made once per module and backend through the API, kept as a database of its own: each test
    gets a copy of that database (as fresh as the template's copy it had, with the set-up in it, same ids),
    the set-up's tokens and data, and its clock's time. The test runs as it did when the set-up was its own
    function fixture; only the set-up's API calls are no longer repeated for every test."""

    def __init__(self, pool, source: str, tokens: tuple[str, str], data, now: datetime):
        self.pool, self.source, self.tokens, self.data, self.now = pool, source, tokens, data, now

    def database_url(self):
        """A fixture body: a copy of the kept database, handed back after the test."""
        url = self.pool.fresh(source=self.source)
        yield url
        self.pool.drop(url)

    def api(self, client) -> "ApiClient":
        return ApiClient(client, *self.tokens)

    def fresh_data(self):
        return copy.deepcopy(self.data)  # a test may change what it was given


def prepared_fixtures(build, name: str, config: dict | None = None):
    """The fixtures a module assigns so that its set-up fixture `name` is a Prepared `build(app, api, clock)`:

        prepared, database_url, clock, api, salon = prepared_fixtures(build_salon, "salon")

    A test that uses `name` gets a copy of the set-up's database, its clock's time and its tokens; the
    module's other tests get what conftest gives (a fresh database, START, new tokens), as before.
    `config`: what the module's app_config adds (the set-up's app has it too)."""

    def wanted(request) -> bool:
        return name in request.fixturenames

    @pytest.fixture(scope="module")
    def prepared(prepare) -> Prepared:
        return prepare(build, config)

    @pytest.fixture
    def database_url(request, backend, database_pools):
        if wanted(request):
            yield from request.getfixturevalue("prepared").database_url()
            return
        pool = database_pools(backend)
        url = pool.fresh()
        yield url
        pool.drop(url)

    @pytest.fixture
    def clock(request) -> FrozenClock:
        return FrozenClock(request.getfixturevalue("prepared").now if wanted(request) else START)

    @pytest.fixture
    def api(request, app, client) -> ApiClient:
        if wanted(request):
            return request.getfixturevalue("prepared").api(client)
        return ApiClient(client, *make_tokens(app))

    @pytest.fixture(name=name)
    def set_up(prepared):
        return prepared.fresh_data()

    return prepared, database_url, clock, api, set_up


@pytest.fixture(scope="module")
def prepare(backend, database_pools):
    """prepare(build, config) -> Prepared: `build(app, api, clock)` run on a fresh database with the tests'
    app (`config` added to its settings), the usual two tokens and a clock at START; what it returns is each
    test's data. See prepared_fixtures; the set-up must not depend on the test's parameters."""
    made = {}

    def prepared(build, config: dict | None = None) -> Prepared:
        if build not in made:
            pool = database_pools(backend)
            url = pool.fresh()
            clock = FrozenClock(START)
            app = create_test_app({**base_app_config(url, clock), **(config or {})})
            tokens = make_tokens(app)
            data = build(app, ApiClient(app.test_client(), *tokens), clock)
            dispose(app)
            made[build] = Prepared(pool, pool.keep(url), tokens, data, clock())
            pool.drop(url)
        return made[build]

    return prepared


class ApiClient:
    """Talks to /api/v1 as a till or a manager; every call returns (status, json)."""

    def __init__(self, http, till_token: str, manager_token: str):
        self.http = http
        self.tokens = {"till": till_token, "manager": manager_token}

    def call(self, method: str, path: str, json=None, as_="till", headers=None, query=None):
        all_headers = {"Authorization": f"Bearer {self.tokens[as_]}"} if as_ else {}
        all_headers.update(headers or {})
        response = self.http.open("/api/v1" + path, method=method, json=json, headers=all_headers,
                                  query_string=query)
        return response.status_code, response.get_json(silent=True)

    def ok(self, method: str, path: str, json=None, as_="till", status=(200, 201, 202, 204), **kwargs):
        code, body = self.call(method, path, json, as_, **kwargs)
        assert code in (status if isinstance(status, tuple) else (status,)), (code, body)
        return body


def make_tokens(app) -> tuple[str, str]:
    with app.app_context():
        from pos_loyalty.services.staff import create_token

        return create_token("till", "till-1", "till-1")[1], create_token("manager", "Ana (manager)")[1]


@pytest.fixture
def api(app, client) -> ApiClient:
    return ApiClient(client, *make_tokens(app))


class LiveApi(ApiClient):
    """The same helper against the real waitress server over loopback HTTP."""

    def __init__(self, base_url: str, till_token: str, manager_token: str):
        import requests

        self.session = requests.Session()
        self.base_url = base_url
        self.tokens = {"till": till_token, "manager": manager_token}

    def call(self, method, path, json=None, as_="till", headers=None, query=None):
        all_headers = {"Authorization": f"Bearer {self.tokens[as_]}"} if as_ else {}
        all_headers.update(headers or {})
        response = self.session.request(method, self.base_url + "/api/v1" + path, json=json, headers=all_headers,
                                        params=query, timeout=10)
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, None


def free_port() -> int:
    """A port free right now, for a server in another process that must be told its port. Between this and
    its bind another process (a second xdist worker) may take it: in-process servers bind port 0 instead,
    and keep the socket they got."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(app):
    """The app served by waitress on a loopback port, as in production."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)  # the kernel's free port, kept
    stopping = threading.Event()

    def serve():
        try:
            server.run()
        except OSError:  # a descriptor closed under select() by the shutdown below, and only then
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    stopping.set()

    def close_all():
        for channel in list(server._map.values()):
            try:
                channel.close()
            except OSError:
                pass  # already closed

    # Close the listening socket and every keep-alive channel from the loop's own thread, so that no
    # descriptor goes from under its select(); with its map empty, the loop returns. Rarely (seen on
    # PostgreSQL runs) the trigger's pipe is already closed by the time the test ends: close from here.
    try:
        server.trigger.pull_trigger(close_all)
    except OSError:
        close_all()
    server.task_dispatcher.shutdown(timeout=2)
    thread.join(timeout=5)
    assert not thread.is_alive(), "the test server did not stop"


@pytest.fixture
def live_api(app, live_server):
    api = LiveApi(live_server, *make_tokens(app))
    yield api
    api.session.close()
