"""Printers that are off, hang, hang up or have no paper: a clear reason in bounded time, never a hang; a
receipt counts as printed only when the printer confirmed it; each kind of printer address delivers the
bytes, and only where receipts may go."""
import os
import pty
import stat
import threading
import time

import pytest

from pos_loyalty.printing import layout, outputs
from pos_loyalty.printing.transports import (CupsPrinter, FilePrinter, NoPrinter, PrinterConfigError, PrinterPlaces,
                                             PrintFailed, PrintUnconfirmed, SerialPrinter, TcpPrinter, UsbPrinter,
                                             check_printer_settings, open_printer, parse_printer_url, send)

from .escpos_reader import decode
from .printer_server import PrinterServer
from .sample import CARD, sample_receipt

RECEIPT = outputs.to_escpos(layout.render(sample_receipt(), 48), "TM-T20II")
SMALL = b"\x1b@\x1bt\x13" + "Salon Étoile".encode("cp858") + b"\n\x1dV\x01"
NO_FILES = PrinterPlaces(print_dir=None)  # for printers that are neither file:// nor tcp://


def test_a_normal_printer_receives_the_whole_receipt(printer_server):
    server = printer_server("normal")
    delivery = send(server.url, RECEIPT, server.places, timeout=1)
    server.stop()
    assert delivery.status_known and not delivery.paper_low
    received = server.received[0]
    assert RECEIPT in received  # whole, in order, between the status questions
    decoded = decode(received)
    assert "Hélène Dupré" in decoded.text and decoded.qr_payloads == [CARD]
    assert decoded.status_queries == [4, 2, 4]  # paper and cover before, paper after


@pytest.mark.parametrize("mode,reason,sent", [
    ("refuse", "refused the connection", False),
    ("never-read", "does not answer", True),
    ("close-mid-job", "dropped the connection", True),
    ("paper-end", "out of paper", False),
])
@pytest.mark.parametrize("job", [SMALL * 100, RECEIPT], ids=["small-jobs", "receipt"])
def test_faults_fail_with_a_clear_reason_in_bounded_time(printer_server, mode, reason, sent, job):
    """`sent`: part of the receipt may be in the printer, so it is "unconfirmed" and must not be resent."""
    server = printer_server(mode)
    started = time.monotonic()
    with pytest.raises(PrintFailed, match=reason) as failure:
        send(server.url, job, server.places, timeout=0.5)
    assert time.monotonic() - started < 2.5  # status wait (0.5 s) + one timeout, never a hang
    assert "127.0.0.1" in failure.value.reason
    assert failure.value.sent is sent and isinstance(failure.value, PrintUnconfirmed) is sent


def test_paper_end_is_found_before_anything_is_printed(printer_server):
    server = printer_server("paper-end")
    with pytest.raises(PrintFailed, match="out of paper: load a new roll"):
        send(server.url, RECEIPT, server.places, timeout=0.5)
    server.stop()
    assert server.received == [b"\x10\x04\x04"]


def test_a_printer_that_never_reads_nor_answers_is_not_printed(printer_server):
    """The issue's printer: it accepts the connection and its socket swallows the whole receipt, but it
    never reads it nor answers the status query. Nothing confirms the receipt: unconfirmed, not printed."""
    server = printer_server("never-read-buffered")
    with pytest.raises(PrintUnconfirmed, match="answers no status query.*check, then reprint") as failure:
        send(server.url, RECEIPT, server.places, timeout=0.3)
    assert "?status=0" in failure.value.reason and len(failure.value.reason) <= 250


def test_a_printer_that_never_answers_status_gets_the_receipt_unconfirmed(printer_server):
    """Print servers and many cheap printers ignore DLE EOT: the receipt is sent, but not confirmed."""
    server = printer_server("mute")
    with pytest.raises(PrintUnconfirmed, match="answers no status query"):
        send(server.url, RECEIPT, server.places, timeout=0.3)
    server.stop()
    assert RECEIPT in server.received[0]


def test_a_printer_silent_after_the_receipt_is_unconfirmed(printer_server):
    server = printer_server("mute-after")
    with pytest.raises(PrintUnconfirmed, match="does not answer since it was sent the receipt"):
        send(server.url, RECEIPT, server.places, timeout=0.3)
    server.stop()
    assert RECEIPT in server.received[0]


def test_paper_running_out_during_the_receipt_is_a_failure_after_sending(printer_server):
    server = printer_server("runs-out")
    with pytest.raises(PrintFailed, match="ran out of paper during the receipt") as failure:
        send(server.url, RECEIPT, server.places, timeout=0.3)
    assert failure.value.sent and not isinstance(failure.value, PrintUnconfirmed)


def test_a_printer_set_up_without_status_is_trusted(printer_server):
    """?status=0: no question is asked, and the receipt taken counts as printed."""
    server = printer_server("mute")
    delivery = send(server.url + "?status=0", RECEIPT, server.places, timeout=0.3)
    server.stop()
    assert not delivery.status_known and server.received == [RECEIPT]


def test_status_queries_can_be_turned_off(printer_server):
    server = printer_server("normal")
    send(server.url + "?status=0", SMALL, server.places, timeout=0.5)
    server.stop()
    assert server.received == [SMALL]


def test_an_unknown_host_is_explained():
    with pytest.raises(PrintFailed, match="unknown on this network|Cannot reach"):
        send("tcp://no-such-printer.invalid:9100", SMALL, NO_FILES, timeout=0.5)


def test_the_server_stops_by_itself():
    server = PrinterServer("normal", lifetime=0.2)
    server._timer.join(timeout=10)  # its lifetime ran out and stop() has returned
    assert server._stopping.is_set()
    with pytest.raises(PrintFailed, match="refused"):
        send(server.url, SMALL, server.places, timeout=0.3)


def test_file_printer_appends_each_job(tmp_path):
    target = tmp_path / "lp0"
    places = PrinterPlaces(print_dir=str(tmp_path))
    send(f"file://{target}", SMALL, places)
    send(f"file://{target}", RECEIPT, places)
    assert target.read_bytes() == SMALL + RECEIPT


def test_file_printer_that_cannot_be_written_is_explained(tmp_path):
    with pytest.raises(PrintFailed, match="Cannot write to") as failure:
        send(f"file://{tmp_path}/missing/lp0", SMALL, PrinterPlaces(print_dir=str(tmp_path)))
    assert not failure.value.sent  # nothing was written: it may be sent again


def test_file_printer_failing_part_way_is_unconfirmed():
    """/dev/full takes the open, then refuses the bytes: what a device failing mid-receipt does."""
    with pytest.raises(PrintUnconfirmed, match="failed part-way"):
        send("file:///dev/full", RECEIPT, PrinterPlaces(print_dir="/dev"))


def test_no_printer_refuses_clearly():
    with pytest.raises(PrintFailed, match="No printer"):
        send("none", SMALL, NO_FILES)


def fake_lp(folder, script):
    lp = folder / "lp"
    lp.write_text("#!/bin/sh\n" + script)
    lp.chmod(lp.stat().st_mode | stat.S_IEXEC)
    return lp


def test_cups_printer_hands_the_raw_job_to_lp(tmp_path, monkeypatch):
    fake_lp(tmp_path, f'echo "$@" > {tmp_path}/args\ncat > {tmp_path}/job\n')
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    send("cups://TM-T20", RECEIPT, NO_FILES)
    assert (tmp_path / "args").read_text().split() == ["-d", "TM-T20", "-o", "raw"]
    assert (tmp_path / "job").read_bytes() == RECEIPT


def test_cups_refusal_is_explained(tmp_path, monkeypatch):
    fake_lp(tmp_path, 'echo "lp: The printer or class does not exist." >&2\nexit 1\n')
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    with pytest.raises(PrintFailed, match="CUPS refused the job for printer Nope: lp: The printer"):
        send("cups://Nope", SMALL, NO_FILES)


class SerialPrinterOnPty:
    """A serial printer at the end of a pseudo-terminal: answers DLE EOT like the TCP test printer."""

    def __init__(self, paper: int = 0x12):
        # The slave end stays open as long as the printer "exists": when its last descriptor closes, the
        # master reads EIO (hang-up), as with a printer being unplugged.
        self.master, self.slave = pty.openpty()
        self.device = os.ttyname(self.slave)
        self.paper, self.received = paper, bytearray()
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        import select

        pending = b""
        while self.running:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            self.received += chunk
            pending += chunk
            while (at := pending.find(b"\x10\x04")) != -1 and at + 2 < len(pending):
                n, pending = pending[at + 2], pending[at + 3:]
                os.write(self.master, bytes([self.paper if n == 4 else 0x12]))

    def stop(self):
        self.running = False
        self.thread.join(timeout=1)
        os.close(self.master)
        os.close(self.slave)


def test_serial_printer_receives_the_receipt():
    printer = SerialPrinterOnPty()
    try:
        delivery = send(f"serial://{printer.device}?baudrate=115200", RECEIPT, NO_FILES, timeout=1)
        deadline = time.monotonic() + 10  # the status answer came after the receipt: it is read, or about to be
        while RECEIPT not in bytes(printer.received) and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        printer.stop()
    assert delivery.status_known
    assert decode(bytes(printer.received)).qr_payloads == [CARD]


def test_serial_printer_out_of_paper_is_explained():
    printer = SerialPrinterOnPty(paper=0x72)
    try:
        with pytest.raises(PrintFailed, match="out of paper"):
            send(f"serial://{printer.device}", RECEIPT, NO_FILES, timeout=0.5)
    finally:
        printer.stop()


def test_missing_serial_and_usb_printers_are_explained():
    with pytest.raises(PrintFailed, match="Cannot open the serial printer /dev/ttyNOPE"):
        send("serial:///dev/ttyNOPE", SMALL, NO_FILES, timeout=0.3)
    with pytest.raises(PrintFailed, match="Cannot open the printer at USB 04b8:0e15"):
        send("usb://04b8:0e15", SMALL, NO_FILES, timeout=0.3)


@pytest.mark.parametrize("url,kind", [("tcp://10.0.0.5", TcpPrinter), ("usb://04B8:0E15", UsbPrinter),
                                      ("serial:///dev/ttyUSB0", SerialPrinter), ("file:///tmp/x", FilePrinter),
                                      ("cups://TM", CupsPrinter), ("none", NoPrinter), (" NONE ", NoPrinter)])
def test_open_printer_picks_the_transport_without_connecting(url, kind):
    assert isinstance(open_printer(url, PrinterPlaces(print_dir="/tmp")), kind)


def test_good_printer_addresses():
    assert parse_printer_url("tcp://10.0.0.5").port == 9100
    assert parse_printer_url("tcp://printer.local:9101").port == 9101
    assert parse_printer_url("tcp://[fe80::1]:9100").target == "fe80::1"
    assert parse_printer_url("tcp://10.0.0.5:9100?status=0").asks_status is False
    assert parse_printer_url("usb://04B8:0E15").target == "04b8:0e15"
    assert parse_printer_url("usb://04b8:0e15?in_ep=0x81&out_ep=0x02").options == {"in_ep": "0x81", "out_ep": "0x02"}
    assert parse_printer_url("serial:///dev/ttyUSB0?baudrate=19200").target == "/dev/ttyUSB0"
    assert parse_printer_url("serial://COM3").target == "COM3"
    assert parse_printer_url("file:///var/spool/receipt%20log.bin").target == "/var/spool/receipt log.bin"
    assert parse_printer_url("cups://TM-T20").target == "TM-T20"
    assert parse_printer_url("none").scheme == "none"


@pytest.mark.parametrize("url", ["", "tcp://", "tcp://host:port", "tcp://host:0", "tcp://host:70000",
                                 "tcp://host:9100/path", "tcp://host?colour=red", "usb://nothex:12", "usb://04b8",
                                 "usb://04b8:0e15?in_ep=999", "serial://", "serial:///dev/ttyUSB0?baudrate=fast",
                                 "laser://x", "cups://", "cups://a/b", "file://", "file://host/x",
                                 "/dev/usb/lp0", "10.0.0.5:9100"])
def test_bad_printer_addresses_are_explained(url):
    with pytest.raises(PrinterConfigError) as error:
        open_printer(url, PrinterPlaces(print_dir="/tmp"))
    assert "tcp://" in str(error.value) or "://" in str(error.value)


def test_status_bytes_are_read_as_epson_documents_them():
    from pos_loyalty.printing import printer_status as status

    assert status.is_status(0x12) and status.is_status(0x72) and not status.is_status(0x13)  # XOFF is noise
    assert status.paper_out(0x72) and status.paper_out(0x32) and not status.paper_out(0x1E & 0x0C | 0x12)
    assert status.paper_low(0x1E) and not status.paper_low(0x12)
    assert "cover is open" in status.offline_problem(0x16)
    assert status.offline_problem(0x12) is None


def test_tcp_printers_only_on_printer_ports():
    default = PrinterPlaces(print_dir=None)
    assert isinstance(open_printer("tcp://10.0.0.5:9109", default), TcpPrinter)
    for url in ("tcp://10.0.0.5:22", "tcp://127.0.0.1:5432", "tcp://10.0.0.5:9110"):
        with pytest.raises(PrinterConfigError, match="printer ports only \\(9100-9109\\).*POS_LOYALTY_PRINTER_PORTS"):
            open_printer(url, default)
    chosen = PrinterPlaces.from_config({"PRINTER_PORTS": "9100-9102, 515", "PRINT_DIR": None})
    assert chosen.ports == ((9100, 9102), (515, 515)) and chosen.describe_ports() == "9100-9102, 515"
    assert isinstance(open_printer("tcp://10.0.0.5:515", chosen), TcpPrinter)
    with pytest.raises(PrinterConfigError, match="9100-9102, 515"):
        open_printer("tcp://10.0.0.5:9103", chosen)


@pytest.mark.parametrize("ports", ["abc", "9109-9100", "0", "70000", "9100,", "9100-", "-5"])
def test_a_wrong_port_list_names_the_variable(ports):
    with pytest.raises(PrinterConfigError, match="POS_LOYALTY_PRINTER_PORTS="):
        PrinterPlaces.from_config({"PRINTER_PORTS": ports})


def test_file_printers_only_inside_the_print_folder(tmp_path):
    folder, elsewhere = tmp_path / "prints", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    (folder / "sub").mkdir()
    (folder / "out").symlink_to(elsewhere)  # a folder that leads out
    (folder / "passwd").symlink_to("/etc/passwd")  # a file that leads out
    (folder / "inside").symlink_to(folder / "sub")  # a folder that stays in
    places = PrinterPlaces(print_dir=str(folder))
    assert isinstance(open_printer(f"file://{folder}/receipts.bin", places), FilePrinter)
    assert isinstance(open_printer(f"file://{folder}/sub/receipts.bin", places), FilePrinter)
    assert isinstance(open_printer(f"file://{folder}/inside/receipts.bin", places), FilePrinter)
    for path, why in [("/etc/passwd", "leads elsewhere"), (f"{elsewhere}/x.bin", "leads elsewhere"),
                      (f"{folder}/../elsewhere/x.bin", "without '..'"), (f"{folder}/sub/../x.bin", "without '..'"),
                      (f"{folder}/out/x.bin", "leads elsewhere"), (f"{folder}/passwd", "leads elsewhere"),
                      (str(folder), "leads elsewhere"), (f"{folder}/%2e%2e/elsewhere/x", "without '..'")]:
        with pytest.raises(PrinterConfigError, match=f"inside the print folder {folder}.*{why}"):
            open_printer(f"file://{path}", places)
    with pytest.raises(PrinterConfigError, match="file printers are turned off"):
        open_printer(f"file://{folder}/receipts.bin", PrinterPlaces(print_dir=None))


def test_a_file_that_became_a_symlink_is_refused_when_printing(tmp_path):
    """The address is checked again at each job: a symlink put in place since then is not followed."""
    folder = tmp_path / "prints"
    folder.mkdir()
    places = PrinterPlaces(print_dir=str(folder))
    url = f"file://{folder}/receipts.bin"
    open_printer(url, places)
    secret = tmp_path / "secret"
    secret.write_bytes(b"keep")
    (folder / "receipts.bin").symlink_to(secret)
    with pytest.raises(PrinterConfigError, match="leads elsewhere"):
        send(url, SMALL, places)
    assert secret.read_bytes() == b"keep"


def test_start_up_refuses_a_printer_where_receipts_may_not_go(tmp_path):
    config = {"PRINT_DIR": str(tmp_path), "PRINTER_PORTS": "9100-9109"}
    check_printer_settings({**config, "PRINTER_URL": "tcp://10.0.0.5:9100"})
    check_printer_settings({**config, "PRINTER_URL": f"file://{tmp_path}/receipts.bin"})
    for url, why in [("tcp://10.0.0.5:22", "printer ports only"), ("file:///etc/passwd", "print folder"),
                     ("laser://x", "is not a printer address")]:
        with pytest.raises(PrinterConfigError, match=f"^POS_LOYALTY_PRINTER='{url}'.*{why}"):
            check_printer_settings({**config, "PRINTER_URL": url})
    with pytest.raises(PrinterConfigError, match="POS_LOYALTY_PRINT_DIR='prints'"):
        check_printer_settings({"PRINT_DIR": "prints", "PRINTER_URL": "none"})
