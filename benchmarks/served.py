"""The way benchmarks/run.py starts a server in a process of its own (the strict floor, the app): waitress on
a loopback port chosen by the system, printed on the first line of stdout; it serves until stdin closes (the
benchmark ending, or dying, ends it too)."""
from __future__ import annotations

import sys
import threading


def serve_until_stdin_closes(app, threads: int) -> int:
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    print(server.effective_port, flush=True)
    threading.Thread(target=server.run, daemon=True).start()
    sys.stdin.read()  # until the benchmark closes our stdin
    return 0
