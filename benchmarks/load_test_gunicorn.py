"""gunicorn settings of the load test (benchmarks/load_test.py): each worker, once it has loaded the app,
leaves a file named by its pid in POS_LOYALTY_LOAD_TEST_READY, so the test knows which workers serve."""
import os
from pathlib import Path


def post_worker_init(worker):
    Path(os.environ["POS_LOYALTY_LOAD_TEST_READY"], str(worker.pid)).touch()
