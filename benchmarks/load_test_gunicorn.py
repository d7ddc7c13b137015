"""gunicorn settings of the load test (benchmarks/load_test.py).

With --preload the master loads the app once and each worker is a fork of it: a worker that dies is
replaced in milliseconds, not by a new interpreter importing the app (seconds on a loaded machine). The
master opens no database connection (create_app connects to nothing), and each fork drops the pool it was
born with all the same, as SQLAlchemy advises, so no two processes ever share a connection.

Each worker, once ready, leaves a file named by its pid in POS_LOYALTY_LOAD_TEST_READY, so the load test
knows which workers serve."""
import os
from pathlib import Path


def pre_fork(server, worker):
    from pos_loyalty.serving import settle_for_serving

    settle_for_serving()  # as pos-loyalty serve does; each fork then shares the app's pages


def post_fork(server, worker):
    if server.cfg.preload_app:
        from pos_loyalty.extensions import db

        with server.app.wsgi().app_context():
            db.engine.dispose(close=False)


def post_worker_init(worker):
    Path(os.environ["POS_LOYALTY_LOAD_TEST_READY"], str(worker.pid)).touch()
