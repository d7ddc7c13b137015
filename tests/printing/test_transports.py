"""Printers that are off, hang, hang up or have no paper: a clear reason, never a hang."""
import pytest

from pos_loyalty.printing.transports import PrinterConfigError, PrintFailed, parse_printer_url, send

from .escpos_reader import decode

JOB = b"\x1b@\x1bt\x13" + "Salon Étoile\n".encode("cp858") + b"\x1dV\x00"  # code page PC858, text, cut


def test_a_normal_printer_receives_the_job(printer_server):
    server = printer_server("normal")
    send(server.url, JOB, timeout=1)
    server.stop()
    assert "Salon Étoile" in decode(server.received[0]).text


@pytest.mark.parametrize("mode,reason", [
    ("refuse", "refused the connection"),
    ("never-read", "does not answer"),
    ("close-mid-job", "dropped the connection"),
    ("paper-end", "out of paper"),
])
def test_faults_fail_with_a_clear_reason(printer_server, mode, reason):
    server = printer_server(mode)
    with pytest.raises(PrintFailed, match=reason):
        send(server.url, JOB * 200, timeout=0.5)


def test_file_printer_writes_the_bytes(tmp_path):
    target = tmp_path / "lp0"
    send(f"file://{target}", JOB)
    assert target.read_bytes() == JOB


@pytest.mark.parametrize("url", ["tcp://", "tcp://host:port", "usb://nothex:12", "serial://", "laser://x", "cups://",
                                 "file://"])
def test_bad_printer_addresses_are_explained(url):
    with pytest.raises(PrinterConfigError):
        parse_printer_url(url)


def test_good_printer_addresses():
    assert parse_printer_url("tcp://10.0.0.5").port == 9100
    assert parse_printer_url("tcp://10.0.0.5:9100?status=0").status_queries is False
    assert parse_printer_url("usb://04b8:0e15").target == "04b8:0e15"
    assert parse_printer_url("serial:///dev/ttyUSB0").target == "/dev/ttyUSB0"
    assert parse_printer_url("cups://TM-T20").target == "TM-T20"
    assert parse_printer_url("none").scheme == "none"
