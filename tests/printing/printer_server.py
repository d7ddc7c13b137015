"""A receipt printer on a loopback port, for tests. It stores what it gets and answers the real-time status
queries (DLE EOT n) like an Epson printer, or misbehaves on purpose:

    normal         reads everything, answers status "online, paper OK"
    refuse         the port is closed: connections are refused
    never-read     accepts connections and never reads (a hung printer whose small buffer is full)
    never-read-buffered  accepts connections and never reads, but with an ordinary socket buffer that takes
                   a whole receipt: nothing on the wire tells it from a printer that read it
    close-mid-job  answers the status question, reads a little of the job, then hangs up (RST)
    paper-end      answers the paper sensor query with "paper end" (and reads whatever is sent)
    mute           reads everything but never answers status queries (print servers, cheap printers)
    mute-after     answers the status queries before the job, reads it, and never answers the one after
    runs-out       paper OK before the job, paper end in the answer after it (the roll ended mid-receipt)

Bounded: a few connections, a few MB, daemon threads, and it stops by itself after `lifetime` seconds.
Use it as a context manager or call stop(); `received` then holds one bytes object per connection.
`places` allows exactly this server's port, as a test configuration would (POS_LOYALTY_PRINTER_PORTS).
"""
from __future__ import annotations

import socket
import struct
import threading

from pos_loyalty.printing.transports import PrinterPlaces

MODES = ("normal", "refuse", "never-read", "never-read-buffered", "close-mid-job", "paper-end", "mute", "mute-after",
         "runs-out")
OK = {1: 0x16, 2: 0x12, 3: 0x12, 4: 0x12}  # fixed bits (0x12) plus, for n=1, the drawer pin "high" bit
PAPER_END = {1: 0x1E, 2: 0x32, 3: 0x12, 4: 0x72}  # offline; stopped at paper end; both paper-end bits


class PrinterServer:
    def __init__(self, mode: str = "normal", lifetime: float = 30.0, max_connections: int = 8,
                 max_bytes: int = 4 << 20, cut_after: int = 40):
        if mode not in MODES:
            raise ValueError(f"mode is one of {MODES}")
        self.mode, self.max_connections, self.max_bytes, self.cut_after = mode, max_connections, max_bytes, cut_after
        self.received: list[bytes] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._held: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if mode == "never-read":
            # A printer's network card has a few KB of buffer; a PC socket would swallow megabytes. The
            # smallest receive buffer makes a never-reading peer look like the hung printer it stands for.
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        if mode != "refuse":  # bound but not listening: the port is kept, and connecting is refused
            self.listener.listen(max_connections)
        self.listener.settimeout(0.05)
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True
        self._timer.start()
        self._acceptor = threading.Thread(target=self._accept, name=f"printer-{mode}", daemon=True)
        self._acceptor.start()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    @property
    def places(self) -> PrinterPlaces:
        return PrinterPlaces(print_dir=None, ports=((self.port, self.port),))

    def __enter__(self) -> "PrinterServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            if self.mode == "refuse":
                self._stopping.wait(0.05)
                continue
            try:
                connection, _ = self.listener.accept()
            except (socket.timeout, OSError):
                continue
            with self._lock:
                self.connections += 1
                if self.connections > self.max_connections:
                    connection.close()
                    continue
            if self.mode in ("never-read", "never-read-buffered"):
                self._held.append(connection)  # never read, never closed until stop()
                continue
            thread = threading.Thread(target=self._serve, args=(connection,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, connection: socket.socket) -> None:
        connection.settimeout(0.1)
        job, pending, answered = bytearray(), b"", 0
        try:
            while len(job) < self.max_bytes:
                try:
                    chunk = connection.recv(4096 if self.mode != "close-mid-job" else 16)
                except socket.timeout:
                    if self._stopping.is_set():
                        break  # stopping: what was sent has been read; an idle client is let go
                    continue
                if not chunk:
                    break
                job += chunk
                pending += chunk
                # Answer each DLE EOT n, even one split across two reads (the last two bytes wait).
                while (at := pending.find(b"\x10\x04")) != -1 and at + 2 < len(pending):
                    n = pending[at + 2]
                    pending = pending[at + 3:]
                    silent = self.mode == "mute" or (self.mode == "mute-after" and answered >= 2)
                    if not silent and n in OK:
                        out = self.mode == "paper-end" or (self.mode == "runs-out" and answered >= 2)
                        connection.sendall(bytes([(PAPER_END if out else OK)[n]]))
                        answered += 1
                pending = pending[-2:]
                if self.mode == "close-mid-job" and answered and len(job) > self.cut_after:
                    # Hang up with a reset, as a printer being switched off does: unread data is lost.
                    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    break
        except OSError:
            pass
        finally:
            connection.close()
            with self._lock:
                self.received.append(bytes(job))

    def stop(self) -> None:
        """Stop serving and wait for the connections in progress to be recorded (idempotent)."""
        self._stopping.set()
        self._timer.cancel()
        if threading.current_thread() is not self._acceptor:
            self._acceptor.join(timeout=2)
        for thread in list(self._threads):
            if thread is not threading.current_thread():
                thread.join(timeout=2)
        for connection in self._held:
            connection.close()
        self._held.clear()
        self.listener.close()
