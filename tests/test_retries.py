"""The retry policy every Earmark task uses, on a real broker and a real worker:
transient faults are retried with backoff, a permanent error fails at once."""

import pytest
from celery.contrib.testing.worker import start_worker

from app.paths import DataDir
from app.runtime.supervisor import Supervisor
from workers.errors import BadMediaError, TransientError
from workers.tasks import RETRY

pytestmark = pytest.mark.stack


@pytest.fixture
def broker(data_dir):
    sup = Supervisor(DataDir.resolve(data_dir), roles=())
    sup.start()
    yield sup
    sup.stop()


def test_transient_faults_are_retried_and_permanent_ones_are_not(broker):
    app = broker.celery
    calls = {"flaky": 0, "bad": 0}

    # The same policy as earmark.transcribe, with a short backoff so the test is quick.
    policy = dict(RETRY, retry_backoff=0.2, retry_backoff_max=1)

    @app.task(name="tests.flaky", **policy)
    def flaky():
        calls["flaky"] += 1
        if calls["flaky"] < 3:
            raise TransientError("the disk is busy")
        return "done"

    @app.task(name="tests.bad", **policy)
    def bad():
        calls["bad"] += 1
        raise BadMediaError("The file is empty (0 bytes): /x.wav")

    app.loader.import_module("celery.contrib.testing.tasks")  # the ping task start_worker uses
    with start_worker(app, pool="solo", queues=["index"], perform_ping_check=False, shutdown_timeout=10):
        assert flaky.apply_async(queue="index").get(timeout=60) == "done"
        assert calls["flaky"] == 3
        result = bad.apply_async(queue="index")
        with pytest.raises(BadMediaError, match="The file is empty"):
            result.get(timeout=60)
        assert calls["bad"] == 1 and result.state == "FAILURE"
