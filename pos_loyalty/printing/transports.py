"""Deliver receipt bytes to the printer named by a URL (POS_LOYALTY_PRINTER or the till's own).

tcp://HOST:9100   raw socket, with the printer's real-time status asked first (DLE EOT) and again after
                  the job, so "out of paper", "hung" and "dropped mid-job" are told apart and reported.
                  Add ?status=0 for a printer that never answers status queries.
usb://VID:PID     python-escpos Usb (pyusb), serial:///dev/ttyUSB0 python-escpos Serial (pyserial),
cups://QUEUE      lp -d QUEUE -o raw, file:///path written whole, none: no printer.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

DLE_EOT_PRINTER = b"\x10\x04\x01"  # printer status: answers with one byte
DLE_EOT_PAPER = b"\x10\x04\x04"  # roll paper sensor status
PAPER_END_BITS = 0x60  # bits 5 and 6 of the paper sensor answer
STATUS_FIXED_MASK, STATUS_FIXED_BITS = 0x93, 0x12  # the bits every genuine status byte has


class PrinterConfigError(ValueError):
    """POS_LOYALTY_PRINTER or a till's printer setting is not a printer URL we understand."""


class PrintFailed(Exception):
    """The job did not print; the message says why in words a cashier understands."""


@dataclass(frozen=True)
class PrinterAddress:
    scheme: str
    target: str
    port: int | None = None
    status_queries: bool = True


def parse_printer_url(url: str) -> PrinterAddress:
    parts = urlsplit(url.strip())
    query = parse_qs(parts.query)
    scheme = parts.scheme or ("none" if url.strip() == "none" else "")
    if scheme == "none":
        return PrinterAddress("none", "")
    if scheme == "tcp":
        if not parts.hostname:
            raise PrinterConfigError(f"{url!r}: a network printer is tcp://HOST:9100")
        try:
            port = parts.port or 9100
        except ValueError:
            raise PrinterConfigError(f"{url!r}: the port is a number, usually 9100") from None
        return PrinterAddress("tcp", parts.hostname, port, query.get("status", ["1"])[0] != "0")
    if scheme == "usb":
        target = parts.netloc or parts.path.strip("/")
        vendor, _, product = target.partition(":")
        try:
            int(vendor, 16), int(product, 16)
        except ValueError:
            raise PrinterConfigError(f"{url!r}: a USB printer is usb://VID:PID in hexadecimal, e.g. usb://04b8:0e15")
        return PrinterAddress("usb", target)
    if scheme in ("serial", "file"):
        if not parts.path:
            raise PrinterConfigError(f"{url!r}: give the path, e.g. {scheme}:///dev/ttyUSB0")
        return PrinterAddress(scheme, parts.path)
    if scheme == "cups":
        if not (parts.netloc or parts.path.strip("/")):
            raise PrinterConfigError(f"{url!r}: a CUPS printer is cups://QUEUE")
        return PrinterAddress("cups", parts.netloc or parts.path.strip("/"))
    raise PrinterConfigError(f"{url!r}: a printer is tcp://, usb://, serial://, file://, cups:// or none")


def send(url: str, data: bytes, timeout: float = 3.0) -> None:
    address = parse_printer_url(url)
    if address.scheme == "none":
        raise PrintFailed("No printer is configured.")
    if address.scheme == "tcp":
        _send_tcp(address, data, timeout)
    elif address.scheme == "file":
        try:
            with open(address.target, "wb") as handle:
                handle.write(data)
        except OSError as error:
            raise PrintFailed(f"Cannot write to {address.target}: {error.strerror}") from None
    elif address.scheme == "cups":
        _send_cups(address.target, data, timeout)
    else:
        _send_escpos_device(address, data, timeout)


def _send_tcp(address: PrinterAddress, data: bytes, timeout: float) -> None:
    where = f"{address.target}:{address.port}"
    try:
        connection = socket.create_connection((address.target, address.port), timeout=timeout)
    except ConnectionRefusedError:
        raise PrintFailed(f"The printer at {where} refused the connection: is it switched on?") from None
    except socket.timeout:
        raise PrintFailed(f"The printer at {where} did not answer: is it switched on and on the network?") from None
    except OSError as error:
        raise PrintFailed(f"Cannot reach the printer at {where}: {error.strerror or error}") from None
    with connection:
        connection.settimeout(timeout)
        try:
            if address.status_queries:
                paper = _status(connection, DLE_EOT_PAPER, where)
                if paper & PAPER_END_BITS:
                    raise PrintFailed(f"The printer at {where} is out of paper.")
            connection.sendall(data)
            if address.status_queries:
                # The answer comes only once the printer has read everything before it: the job was taken.
                _status(connection, DLE_EOT_PRINTER, where)
        except socket.timeout:
            raise PrintFailed(f"The printer at {where} stopped answering in the middle of the job.") from None
        except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError):
            raise PrintFailed(f"The printer at {where} dropped the connection in the middle of the job.") from None


def _status(connection: socket.socket, query: bytes, where: str) -> int:
    connection.sendall(query)
    try:
        answer = connection.recv(1)
    except socket.timeout:
        raise PrintFailed(f"The printer at {where} does not answer (busy, hung, or not an ESC/POS printer;"
                          " add ?status=0 to its address if it never answers status queries).") from None
    if not answer:
        raise PrintFailed(f"The printer at {where} dropped the connection in the middle of the job.")
    if answer[0] & STATUS_FIXED_MASK != STATUS_FIXED_BITS:
        raise PrintFailed(f"The device at {where} answered like no ESC/POS printer (status {answer[0]:#04x}).")
    return answer[0]


def _send_cups(queue: str, data: bytes, timeout: float) -> None:
    if shutil.which("lp") is None:
        raise PrintFailed("CUPS is not installed here (no lp command).")
    try:
        done = subprocess.run(["lp", "-d", queue, "-o", "raw"], input=data, capture_output=True, timeout=timeout * 3)
    except subprocess.TimeoutExpired:
        raise PrintFailed(f"CUPS did not take the job for {queue} in time.") from None
    if done.returncode != 0:
        raise PrintFailed(f"CUPS refused the job for {queue}: {done.stderr.decode(errors='replace').strip()}")


def _send_escpos_device(address: PrinterAddress, data: bytes, timeout: float) -> None:
    try:
        if address.scheme == "usb":
            from escpos.printer import Usb

            vendor, product = (int(part, 16) for part in address.target.split(":"))
            printer = Usb(vendor, product, timeout=int(timeout * 1000))
        else:
            from escpos.printer import Serial

            printer = Serial(devfile=address.target, timeout=timeout)
        printer.open()
        printer._raw(data)
        printer.close()
    except ImportError as error:
        raise PrintFailed(f"The {address.scheme} printer needs a Python package that is missing: {error.name}") from None
    except Exception as error:  # the device libraries raise many kinds; the cashier needs one sentence
        raise PrintFailed(f"The {address.scheme} printer {address.target} failed: {error}") from None
