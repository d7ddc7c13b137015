import pytest

from .printer_server import PrinterServer


@pytest.fixture
def printer_server():
    """printer_server(mode) -> a started PrinterServer, stopped after the test."""
    servers: list[PrinterServer] = []

    def start(mode: str = "normal", **options) -> PrinterServer:
        servers.append(PrinterServer(mode, **options))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()
