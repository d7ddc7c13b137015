"""Deliver receipt bytes to the printer named by a URL (POS_LOYALTY_PRINTER, or a till's own printer).

    tcp://HOST[:9100]            raw socket (port 9100 "JetDirect"); ?status=0 never asks the printer's status
    usb://VID:PID                hexadecimal ids, e.g. usb://04b8:0e15; ?in_ep=0x82&out_ep=0x01 (python-escpos, pyusb)
    serial:///dev/ttyUSB0        ?baudrate=9600 (pyserial); serial://COM3 on Windows
    file:///path                 appends each job (a printer device such as /dev/usb/lp0, or a log for tests)
    cups://QUEUE                 `lp -d QUEUE -o raw`
    none                         no printer

Where receipts may go (PrinterPlaces): a printer address is typed by a manager and used by the server, so
file:// only writes inside the print folder (POS_LOYALTY_PRINT_DIR; no "..", no symlink out of it) and
tcp:// only reaches printer ports (9100-9109 unless POS_LOYALTY_PRINTER_PORTS says otherwise).

How a job is checked (tcp, serial, usb), and why:
1. Before sending, the printer's paper sensor is asked (DLE EOT 4) with a short timeout. Out of paper or an
   open cover fails the job before any byte of the receipt is sent: sending it again later is safe.
2. No answer to that question is not a failure by itself (a printer set up without ?status=0 that cannot
   answer still gets its receipt), but such a job can then not be confirmed (step 4).
3. The bytes must be taken within `timeout`: a printer that accepts the connection but does not read (paused,
   jammed, buffer full) fails with "does not answer". Over tcp the socket's unacknowledged bytes are watched
   (Linux), because a small job fits in the kernel's buffers even when nobody reads.
4. The printer is asked again after the job: the answer comes only once it has read everything before the
   question, so that answer is the confirmation that makes the job "printed". No answer, or a hang-up, means
   the receipt went out and may or may not have printed; paper end at that point means it is incomplete.

What send() tells, so that a receipt is never printed twice by itself:
- it returns: the job printed (status answer after the bytes; with ?status=0 the bytes taken, trusted; a
  file written and flushed; `lp` exiting 0);
- PrintFailed with `sent` False: nothing of the receipt reached the printer, it may be sent again;
- PrintFailed with `sent` True: the printer said the receipt is incomplete (paper ran out during it);
- PrintUnconfirmed (a PrintFailed, `sent` True): bytes went out and nothing confirmed them: the job is
  "sent, not confirmed", for a person to check and reprint, never resent on its own.
python-escpos's Network class cannot do this (one timeout for everything, no unsent-byte check, raw socket
errors), hence the raw socket.
"""
from __future__ import annotations

import logging
import os
import shutil
import socket
import stat
import struct
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

from pos_loyalty.printing import printer_status as status

log = logging.getLogger(__name__)
DEFAULT_TIMEOUT = 3.0
STATUS_TIMEOUT = 1.0  # a printer that answers status does so in milliseconds; do not make every job wait
POLL = 0.01
OPTIONS = {"tcp": {"status"}, "usb": {"status", "in_ep", "out_ep"}, "serial": {"status", "baudrate"},
           "file": set(), "cups": set(), "none": set()}


class PrinterConfigError(ValueError):
    """A printer URL that is not one of the forms above; the message shows the right form."""


class PrintFailed(Exception):
    """The job did not print: `reason` says why, in words a cashier understands. `sent`: some of the
    receipt reached the printer, so sending it again by itself could print it twice."""

    def __init__(self, reason: str, sent: bool = False):
        super().__init__(reason)
        self.reason, self.sent = reason, sent


class PrintUnconfirmed(PrintFailed):
    """The receipt went to the printer, which did not confirm printing it: it may have printed, or not."""

    def __init__(self, reason: str):
        super().__init__(reason, sent=True)


DEFAULT_PRINTER_PORTS = "9100-9109"  # JetDirect raw printing and its neighbours on multi-port print servers


@dataclass(frozen=True)
class PrinterPlaces:
    """Where receipts may go. A printer address is typed by a manager and used by the server: unchecked, it
    could append to any file the server may write, or send bytes to any service on the network.

    print_dir: file:// printers write only inside it (None: no file printers); ports: tcp:// printers
    only on these (first, last) port ranges."""
    print_dir: str | None
    ports: tuple[tuple[int, int], ...] = ((9100, 9109),)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "PrinterPlaces":
        """From PRINT_DIR and PRINTER_PORTS (POS_LOYALTY_PRINT_DIR, POS_LOYALTY_PRINTER_PORTS), or
        PrinterConfigError naming the variable to mend."""
        folder = config.get("PRINT_DIR")
        if folder is not None and not os.path.isabs(str(folder)):
            raise PrinterConfigError(f"POS_LOYALTY_PRINT_DIR={folder!r}: the print folder is an absolute path")
        return cls(str(folder) if folder else None, parse_port_ranges(str(config.get("PRINTER_PORTS") or
                                                                              DEFAULT_PRINTER_PORTS)))

    def allows_port(self, port: int) -> bool:
        return any(first <= port <= last for first, last in self.ports)

    def describe_ports(self) -> str:
        return ", ".join(str(first) if first == last else f"{first}-{last}" for first, last in self.ports)


def parse_port_ranges(text: str) -> tuple[tuple[int, int], ...]:
    """ "9100-9109,515" -> ((9100, 9109), (515, 515)), or PrinterConfigError."""
    ranges = []
    for item in text.split(","):
        first, dash, last = item.strip().partition("-")
        try:
            low, high = int(first), int(last if dash else first)
        except ValueError:
            low = high = 0
        if not (1 <= low <= high <= 65535):
            raise PrinterConfigError(f"POS_LOYALTY_PRINTER_PORTS={text!r}: a comma-separated list of ports and "
                                     "ranges from 1 to 65535, such as 9100-9109,515")
        ranges.append((low, high))
    return tuple(ranges)


@dataclass(frozen=True)
class PrinterAddress:
    scheme: str  # tcp | usb | serial | file | cups | none
    target: str  # host, VID:PID, device, path or queue
    port: int | None = None
    options: dict[str, str] = field(default_factory=dict)

    @property
    def asks_status(self) -> bool:
        return self.options.get("status", "1") not in ("0", "no", "false")


@dataclass(frozen=True)
class Delivery:
    """What send() learnt: whether the printer answered status queries, and if its paper is running low."""
    status_known: bool = False
    paper_low: bool = False


def parse_printer_url(url: str) -> PrinterAddress:
    """The address in `url`, or PrinterConfigError saying what a right one looks like."""
    text = (url or "").strip()
    if text.lower() == "none":
        return PrinterAddress("none", "")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in OPTIONS or scheme == "none":
        raise PrinterConfigError(f"{url!r} is not a printer address: use tcp://HOST:9100, usb://VID:PID, "
                                 "serial:///dev/ttyUSB0, file:///path, cups://QUEUE or none")
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = set(options) - OPTIONS[scheme]
    if unknown:
        raise PrinterConfigError(f"{url!r}: {scheme}:// printers take no option {', '.join(sorted(unknown))}")
    if scheme == "tcp":
        return _tcp_address(url, parts, options)
    if scheme == "usb":
        ids = parts.netloc or parts.path.strip("/")
        vendor, colon, product = ids.partition(":")
        if not colon or not _hex_id(vendor) or not _hex_id(product):
            raise PrinterConfigError(f"{url!r}: a USB printer is usb://VID:PID with hexadecimal ids, e.g. "
                                     "usb://04b8:0e15 (see lsusb)")
        for name in ("in_ep", "out_ep"):
            if name in options and not _int(options[name], 0x01, 0xFF):
                raise PrinterConfigError(f"{url!r}: {name} is an endpoint number such as 0x82")
        return PrinterAddress("usb", f"{vendor.lower()}:{product.lower()}", options=options)
    if scheme == "serial":
        device = unquote(parts.path) if parts.path not in ("", "/") else parts.netloc  # serial://COM3
        if not device or (parts.netloc and parts.path not in ("", "/")):
            raise PrinterConfigError(f"{url!r}: a serial printer is serial:///dev/ttyUSB0 (three slashes)")
        if "baudrate" in options and not _int(options["baudrate"], 300, 1_000_000):
            raise PrinterConfigError(f"{url!r}: baudrate is a number such as 9600 or 115200")
        return PrinterAddress("serial", device, options=options)
    if scheme == "file":
        if parts.netloc not in ("", "localhost") or parts.path in ("", "/"):
            raise PrinterConfigError(f"{url!r}: a file is file:///absolute/path (three slashes)")
        return PrinterAddress("file", unquote(parts.path))
    queue = unquote(parts.netloc or parts.path.strip("/"))
    if not queue or "/" in queue or (parts.netloc and parts.path not in ("", "/")):
        raise PrinterConfigError(f"{url!r}: a CUPS printer is cups://QUEUE (the name `lpstat -p` shows)")
    return PrinterAddress("cups", queue)


def allowed_printer(url: str, places: PrinterPlaces) -> PrinterAddress:
    """The address in `url` if receipts may go there (see PrinterPlaces), else PrinterConfigError saying why."""
    address = parse_printer_url(url)
    if address.scheme == "tcp" and not places.allows_port(address.port):
        raise PrinterConfigError(f"{url!r}: receipts go to printer ports only ({places.describe_ports()}); "
                                 f"to use port {address.port}, add it to POS_LOYALTY_PRINTER_PORTS")
    if address.scheme == "file":
        _check_print_file(url, address.target, places.print_dir)
    return address


def check_printer_settings(config: Mapping[str, Any]) -> None:
    """At start-up: PrinterConfigError naming the variable if POS_LOYALTY_PRINT_DIR, _PRINTER_PORTS or
    _PRINTER (PRINTER_URL) is wrong, so that a mistake shows at once rather than at the first sale."""
    places = PrinterPlaces.from_config(config)
    try:
        allowed_printer(str(config.get("PRINTER_URL") or "none"), places)
    except PrinterConfigError as error:
        raise PrinterConfigError(f"POS_LOYALTY_PRINTER={error}") from None


def _check_print_file(url: str, path: str, print_dir: str | None) -> None:
    if print_dir is None:
        raise PrinterConfigError(f"{url!r}: file printers are turned off (POS_LOYALTY_PRINT_DIR is empty)")
    inside = f"a file inside the print folder {print_dir} (POS_LOYALTY_PRINT_DIR)"
    if ".." in path.split("/"):
        raise PrinterConfigError(f"{url!r}: a file printer is {inside}, named without '..'")
    folder, literal = os.path.realpath(print_dir), os.path.normpath(path)
    real = os.path.realpath(literal)
    # The path as written must name the print folder (as configured, or as it resolves), and where it
    # resolves must stay inside: a symlink out of the folder is refused, a symlink as the file itself too.
    written_inside = any(_strictly_inside(literal, base) for base in (os.path.normpath(print_dir), folder))
    if not written_inside or not _strictly_inside(real, folder):
        raise PrinterConfigError(f"{url!r}: a file printer is {inside}; this path leads elsewhere")
    if os.path.islink(literal):
        raise PrinterConfigError(f"{url!r}: a file printer is {inside}, not a symbolic link")


def _strictly_inside(path: str, folder: str) -> bool:
    return path != folder and os.path.commonpath([path, folder]) == folder


def _tcp_address(url: str, parts, options: dict[str, str]) -> PrinterAddress:
    if not parts.hostname:
        raise PrinterConfigError(f"{url!r}: a network printer is tcp://HOST:9100")
    if parts.path not in ("", "/") or parts.username:
        raise PrinterConfigError(f"{url!r}: a network printer is tcp://HOST:9100, with no path or user")
    try:
        port = 9100 if parts.port is None else parts.port
    except ValueError:
        raise PrinterConfigError(f"{url!r}: the port is a number from 1 to 65535, usually 9100") from None
    if port == 0:
        raise PrinterConfigError(f"{url!r}: the port is a number from 1 to 65535, usually 9100")
    return PrinterAddress("tcp", parts.hostname, port, options)


def _hex_id(text: str) -> bool:
    return 1 <= len(text) <= 4 and all(c in "0123456789abcdefABCDEF" for c in text)


def _int(text: str, low: int, high: int) -> bool:
    try:
        return low <= int(text, 0) <= high
    except ValueError:
        return False


class Printer(Protocol):
    address: PrinterAddress

    def send(self, data: bytes, timeout: float = DEFAULT_TIMEOUT) -> Delivery:
        """Deliver `data`, or raise PrintFailed."""


def open_printer(url: str, places: PrinterPlaces) -> Printer:
    """The printer at `url`, ready to send to, if receipts may go there (PrinterConfigError if not: checked
    again at each job, since a file may have become a symlink since the address was saved). Nothing is
    connected yet (a printer that is off must not stop the till from starting); each send() connects,
    delivers and disconnects."""
    address = allowed_printer(url, places)
    return {"none": NoPrinter, "file": FilePrinter, "cups": CupsPrinter, "tcp": TcpPrinter,
            "serial": SerialPrinter, "usb": UsbPrinter}[address.scheme](address)


def send(url: str, data: bytes, places: PrinterPlaces, timeout: float = DEFAULT_TIMEOUT) -> Delivery:
    """Print `data` on the printer at `url` within about `timeout` seconds per step, or raise PrintFailed
    (PrintUnconfirmed when it may have printed) or PrinterConfigError (an address that is malformed or
    points where receipts may not go). Returning means printed: see the module docstring."""
    delivery = open_printer(url, places).send(data, timeout)
    if delivery.paper_low:
        log.warning("printer %s: paper roll nearly finished", url)
    return delivery


@dataclass
class NoPrinter:
    address: PrinterAddress

    def send(self, data: bytes, timeout: float = DEFAULT_TIMEOUT) -> Delivery:
        raise PrintFailed("No printer is configured for this till.")


@dataclass
class FilePrinter:
    address: PrinterAddress

    def send(self, data: bytes, timeout: float = DEFAULT_TIMEOUT) -> Delivery:
        """Printed once written and flushed: there is no one to confirm it beyond the operating system."""
        path = self.address.target
        # Append: a device file takes it as is, a plain file keeps every job like a paper roll. O_NOFOLLOW:
        # a symlink put in place of the file after its address was checked is refused, not followed.
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        try:
            descriptor = os.open(path, flags, 0o644)
        except OSError as error:
            raise PrintFailed(f"Cannot write to {path}: {error.strerror or error}.") from None
        try:
            with os.fdopen(descriptor, "ab") as handle:
                handle.write(data)
                handle.flush()
                if stat.S_ISREG(os.fstat(descriptor).st_mode):
                    os.fsync(descriptor)
        except OSError as error:
            raise PrintUnconfirmed(f"Writing to {path} failed part-way ({error.strerror or error}): part of the "
                                   "receipt may have printed; check, then reprint if needed.") from None
        return Delivery()


@dataclass
class CupsPrinter:
    address: PrinterAddress

    def send(self, data: bytes, timeout: float = DEFAULT_TIMEOUT) -> Delivery:
        lp = shutil.which("lp")
        if lp is None:
            raise PrintFailed("CUPS is not installed on this computer (no lp command).")
        queue = self.address.target
        try:
            done = subprocess.run([lp, "-d", queue, "-o", "raw"], input=data, capture_output=True,
                                  timeout=max(timeout, 5.0))
        except subprocess.TimeoutExpired:
            # lp was stopped while handing the job over: CUPS may have queued it, or not.
            raise PrintUnconfirmed(f"CUPS did not answer in time for printer {queue}: the receipt may still "
                                   "print; check, then reprint if needed.") from None
        if done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip() or f"lp exited with {done.returncode}"
            raise PrintFailed(f"CUPS refused the job for printer {queue}: {message}")
        return Delivery()  # lp exits 0 once CUPS has queued the job: from then on CUPS owns it


class _Link(Protocol):
    """A two-way byte connection to a printer, each call bounded in time; failures raise PrintFailed."""

    def write(self, data: bytes, timeout: float) -> None: ...

    def ask(self, query: bytes, timeout: float) -> int | None:
        """The status byte answering `query`, or None if none came within `timeout`."""

    def finish(self, timeout: float) -> None:
        """Wait until the printer has taken every byte written (when the link can tell)."""


def _deliver(link: _Link, data: bytes, timeout: float, where: str, asks_status: bool) -> Delivery:
    """Steps 1 to 4 of the module docstring: returns only when the job counts as printed."""
    paper = link.ask(status.PAPER, min(timeout, STATUS_TIMEOUT)) if asks_status else None
    if paper is not None:
        if status.paper_out(paper):
            raise PrintFailed(f"The printer at {where} is out of paper: load a new roll, then reprint.")
        cause = link.ask(status.OFFLINE_CAUSE, min(timeout, STATUS_TIMEOUT))
        problem = status.offline_problem(cause) if cause is not None else None
        if problem:
            raise PrintFailed(f"The printer at {where} cannot print: {problem}.")
    # From the first byte of the receipt on, a failure may leave part of it printed (or waiting in the
    # printer, to come out when it wakes up): only a person can tell, so nothing below is PrintFailed(sent=False).
    try:
        link.write(data, timeout)
        link.finish(timeout)
        if not asks_status:
            return Delivery(status_known=False)  # ?status=0: the printer cannot answer, and is trusted
        after = link.ask(status.PAPER, timeout)
    except PrintUnconfirmed:
        raise
    except PrintFailed as failure:
        raise PrintUnconfirmed(f"{failure.reason} Part of the receipt may have printed: check, then reprint "
                               "if needed.") from None
    if after is None and paper is None:
        raise PrintUnconfirmed(f"The printer at {where} took the receipt but answers no status query, so it "
                               "cannot confirm it printed: check, then reprint if needed. (A printer that "
                               "cannot answer is set up with ?status=0.)")
    if after is None:
        raise PrintUnconfirmed(f"The printer at {where} does not answer since it was sent the receipt: it may "
                               "not have printed; check it, then reprint if needed.")
    if status.paper_out(after):
        raise PrintFailed(f"The printer at {where} ran out of paper during the receipt: load a new roll, "
                          "then reprint.", sent=True)
    return Delivery(status_known=True, paper_low=status.paper_low(after))


@dataclass
class TcpPrinter:
    address: PrinterAddress

    @property
    def where(self) -> str:
        return f"{self.address.target}:{self.address.port}"

    def send(self, data: bytes, timeout: float = DEFAULT_TIMEOUT) -> Delivery:
        link = _TcpLink(self._connect(timeout), self.where)
        try:
            return _deliver(link, data, timeout, self.where, self.address.asks_status)
        finally:
            link.close()

    def _connect(self, timeout: float) -> socket.socket:
        where = self.where
        try:
            connection = socket.create_connection((self.address.target, self.address.port), timeout=timeout)
        except ConnectionRefusedError:
            raise PrintFailed(f"The printer at {where} refused the connection: is it switched on, and is this "
                              "its address and port?") from None
        except socket.gaierror:
            raise PrintFailed(f"The printer name {self.address.target!r} is unknown on this network.") from None
        except socket.timeout:
            raise PrintFailed(f"The printer at {where} does not answer: is it switched on and on the network?"
                              ) from None
        except OSError as error:
            raise PrintFailed(f"Cannot reach the printer at {where}: {error.strerror or error}.") from None
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # status queries go out at once
        return connection


class _TcpLink:
    def __init__(self, connection: socket.socket, where: str):
        self.connection, self.where = connection, where

    def _dropped(self) -> PrintFailed:
        return PrintFailed(f"The printer at {self.where} dropped the connection (switched off or unplugged?).")

    def write(self, data: bytes, timeout: float) -> None:
        self.connection.settimeout(timeout)
        try:
            self.connection.sendall(data)
        except socket.timeout:
            raise PrintFailed(f"The printer at {self.where} does not answer: it accepted the connection but did "
                              f"not take the receipt within {timeout:g} s (paused, jammed or busy?).") from None
        except OSError:
            raise self._dropped() from None

    def finish(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            error = self.connection.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if error:
                raise self._dropped()
            waiting = _unacknowledged(self.connection)
            if not waiting:  # 0, or None where the system cannot tell
                return
            if time.monotonic() >= deadline:
                raise PrintFailed(f"The printer at {self.where} does not answer: it accepted the connection but "
                                  f"has not taken the receipt after {timeout:g} s (paused, jammed or busy?).")
            time.sleep(POLL)

    def ask(self, query: bytes, timeout: float) -> int | None:
        deadline = time.monotonic() + timeout
        try:
            self._discard_pending()
            self.connection.settimeout(timeout)
            self.connection.sendall(query)
            while (left := deadline - time.monotonic()) > 0:
                self.connection.settimeout(left)
                answer = self.connection.recv(1)
                if not answer:
                    raise self._dropped()
                if status.is_status(answer[0]):
                    return answer[0]
        except socket.timeout:
            return None
        except OSError:
            raise self._dropped() from None
        return None

    def _discard_pending(self) -> None:
        """Drop bytes the printer sent unasked (a late answer), so the next answer is the right one."""
        self.connection.setblocking(False)
        try:
            while self.connection.recv(64):
                pass
        except BlockingIOError:
            pass
        finally:
            self.connection.setblocking(True)

    def close(self) -> None:
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.connection.close()


def _unacknowledged(connection: socket.socket) -> int | None:
    """Bytes written but not yet acknowledged by the printer (Linux SIOCOUTQ), None where unknown."""
    if not sys.platform.startswith("linux"):
        return None
    import fcntl  # POSIX only: imported here so that Windows tills can still load this module
    import termios

    return struct.unpack("i", fcntl.ioctl(connection.fileno(), termios.TIOCOUTQ, b"\0\0\0\0"))[0]


@dataclass
class SerialPrinter:
    address: PrinterAddress

    def send(self, data: bytes, timeout: float = DEFAULT_TIMEOUT) -> Delivery:
        try:
            import serial
        except ImportError:
            raise PrintFailed("Serial printers need the pyserial package, which is not installed.") from None
        device = self.address.target
        try:
            # write_timeout: a printer holding the line (flow control, no paper) must not hang the worker.
            port = serial.Serial(device, baudrate=int(self.address.options.get("baudrate", "9600"), 0),
                                 timeout=timeout, write_timeout=timeout)
        except (serial.SerialException, OSError, ValueError) as error:
            raise PrintFailed(f"Cannot open the serial printer {device}: {error}. Is it plugged in?") from None
        try:
            return _deliver(_SerialLink(port, device), data, timeout, device, self.address.asks_status)
        finally:
            port.close()


class _SerialLink:
    def __init__(self, port, device: str):
        self.port, self.device = port, device

    def write(self, data: bytes, timeout: float) -> None:
        import serial

        try:
            self.port.write(data)
        except serial.SerialTimeoutException:
            raise PrintFailed(f"The printer at {self.device} does not answer: it did not take the receipt within "
                              f"{timeout:g} s (off, out of paper or cable?).") from None
        except (serial.SerialException, OSError) as error:
            raise PrintFailed(f"The printer at {self.device} dropped the connection: {error}.") from None

    def finish(self, timeout: float) -> None:
        pass  # the written bytes sit in the serial driver; the status answer after them proves they went

    def ask(self, query: bytes, timeout: float) -> int | None:
        import serial

        try:
            self.port.reset_input_buffer()
            self.port.write(query)
            self.port.timeout = timeout
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                answer = self.port.read(1)
                if answer and status.is_status(answer[0]):
                    return answer[0]
        except serial.SerialTimeoutException:
            return None
        except (serial.SerialException, OSError) as error:
            raise PrintFailed(f"The printer at {self.device} dropped the connection: {error}.") from None
        return None


@dataclass
class UsbPrinter:
    address: PrinterAddress

    def send(self, data: bytes, timeout: float = DEFAULT_TIMEOUT) -> Delivery:
        try:
            import usb.core
            from escpos.printer import Usb
        except ImportError:
            raise PrintFailed("USB printers need the pyusb package, which is not installed.") from None
        vendor, product = (int(part, 16) for part in self.address.target.split(":"))
        options = self.address.options
        printer = Usb(vendor, product, timeout=int(timeout * 1000), in_ep=int(options.get("in_ep", "0x82"), 0),
                      out_ep=int(options.get("out_ep", "0x01"), 0))
        where = f"USB {self.address.target}"
        try:
            printer.open()  # finds the device, detaches the kernel driver, claims the interface
        except Exception as error:  # pyusb: NoBackendError, USBError; python-escpos: USBNotFoundError
            hint = "libusb is missing" if type(error).__name__ == "NoBackendError" else "is it plugged in and on?"
            raise PrintFailed(f"Cannot open the printer at {where}: {hint} ({error}).") from None
        try:
            return _deliver(_UsbLink(printer, where, usb.core), data, timeout, where, self.address.asks_status)
        finally:
            try:
                printer.close()
            except Exception:
                pass


class _UsbLink:
    def __init__(self, printer, where: str, core):
        self.printer, self.where, self.core = printer, where, core

    def write(self, data: bytes, timeout: float) -> None:
        try:
            self.printer.device.write(self.printer.out_ep, data, int(timeout * 1000))
        except self.core.USBTimeoutError:
            raise PrintFailed(f"The printer at {self.where} does not answer: it did not take the receipt within "
                              f"{timeout:g} s.") from None
        except self.core.USBError as error:
            raise PrintFailed(f"The printer at {self.where} dropped the connection: {error}.") from None

    def finish(self, timeout: float) -> None:
        pass  # a USB bulk write returns once the printer has taken the bytes

    def ask(self, query: bytes, timeout: float) -> int | None:
        try:
            self.printer.device.write(self.printer.out_ep, query, int(timeout * 1000))
            answer = bytes(self.printer.device.read(self.printer.in_ep, 16, int(timeout * 1000)))
        except self.core.USBTimeoutError:
            return None
        except self.core.USBError as error:
            raise PrintFailed(f"The printer at {self.where} dropped the connection: {error}.") from None
        return next((byte for byte in answer if status.is_status(byte)), None)
