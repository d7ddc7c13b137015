import pytest

from .printer_server import PrinterServer


@pytest.fixture
def printer_server():
    servers = []

    def start(mode: str = "normal") -> PrinterServer:
        server = PrinterServer(mode)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
