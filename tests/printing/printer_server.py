"""A receipt printer on a loopback port, for tests: it stores what it gets and answers status queries,
or misbehaves on purpose (refuses, never reads, hangs up mid-job, reports no paper)."""
from __future__ import annotations

import socket
import threading

PAPER_OK, PAPER_END = b"\x12", b"\x72"


class PrinterServer:
    def __init__(self, mode: str = "normal"):
        self.mode = mode
        self.received: list[bytes] = []
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.listener.settimeout(0.2)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.open_connections: list[socket.socket] = []
        if mode != "refuse":
            self.listener.listen(4)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self.stopping.is_set():
            if self.mode == "refuse":
                self.stopping.wait(0.05)
                continue
            try:
                connection, _ = self.listener.accept()
            except (socket.timeout, OSError):
                continue
            self.open_connections.append(connection)
            if self.mode == "never-read":
                continue  # accepted, never read: the client's writes and queries go unanswered
            self._handle(connection)

    def _handle(self, connection: socket.socket) -> None:
        connection.settimeout(5)
        job = bytearray()
        try:
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                job += chunk
                if self.mode == "close-mid-job" and len(job) > 3:
                    break  # answered the first status query, then hangs up on the job
                for _ in range(chunk.count(b"\x10\x04\x04")):
                    connection.sendall(PAPER_END if self.mode == "paper-end" else PAPER_OK)
                for _ in range(chunk.count(b"\x10\x04\x01")):
                    connection.sendall(b"\x16")
        except OSError:
            pass
        finally:
            connection.close()
            if job:
                self.received.append(bytes(job))

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        for connection in self.open_connections:
            connection.close()
        self.listener.close()
