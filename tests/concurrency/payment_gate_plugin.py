"""Test-only plugin: parks a payment inside its transaction until the test says go (or kills the worker).

Armed by a file, so the test decides which payment is caught; it writes its pid when it is reached.
"""
import os
import time

from pos_loyalty.hookspecs import hookimpl

GATE = os.environ.get("POS_LOYALTY_TEST_GATE", "")


@hookimpl
def loyalty_earnings(context, multiplier):
    if GATE and os.path.exists(GATE + ".armed") and context.client is not None:
        os.remove(GATE + ".armed")
        # Written aside then renamed: the test reads the pid as soon as the file exists, never an empty file.
        with open(GATE + ".reached.tmp", "w") as handle:
            handle.write(str(os.getpid()))
        os.replace(GATE + ".reached.tmp", GATE + ".reached")
        deadline = time.monotonic() + 60  # bounded: never hangs a test run
        while not os.path.exists(GATE + ".release") and time.monotonic() < deadline:
            time.sleep(0.01)
    return []
