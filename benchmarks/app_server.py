"""pos_loyalty served in a process of its own, as `pos-loyalty serve` runs it (waitress, its threads), for
benchmarks/run.py:

    python benchmarks/app_server.py DATABASE_URL

The steps are measured against the app as a till reaches it: over loopback, in its own interpreter, not
sharing a GIL with the benchmark's HTTP client (the strict floor has its own process too). It prints its
loopback port on the first line of stdout and serves until its stdin closes."""
from __future__ import annotations

import sys

SERVE_THREADS = 8  # pos-loyalty serve's default (pos_loyalty/cli.py)


def main() -> int:
    from served import serve_until_stdin_closes

    from pos_loyalty import create_app
    from pos_loyalty.serving import settle_for_serving

    app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "bench", "PRINT_WORKER": "manual"})
    settle_for_serving()  # as pos-loyalty serve does
    return serve_until_stdin_closes(app, threads=SERVE_THREADS)


if __name__ == "__main__":
    raise SystemExit(main())
