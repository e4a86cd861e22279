"""The embedded broker as the supervisor runs it: private, persistent, stoppable."""

import os
import stat

import pytest
import redis

from app.paths import DataDir
from app.runtime.supervisor import AlreadyRunning, Supervisor
from app.settings import Settings
from tests.helpers import free_port, live_processes

pytestmark = pytest.mark.stack


def bare_client(**kwargs) -> redis.Redis:
    """A client without a password that gives up at once (redis-py retries by default)."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis(retry=Retry(NoBackoff(), 0), **kwargs)


def test_unix_socket_broker_is_private_persistent_and_stops(data_dir):
    sup = Supervisor(DataDir.resolve(data_dir), roles=())
    address = sup.start()
    try:
        pid = sup.children["broker"].pid
        sock = address.socket_path
        assert len(os.fsencode(sock)) <= 100
        assert stat.S_IMODE(os.stat(os.path.dirname(sock)).st_mode) == 0o700
        with pytest.raises(redis.exceptions.AuthenticationError):
            bare_client(unix_socket_path=sock).ping()  # no password, no entry
        client = sup.broker.client()
        assert client.ping()
        conf = {k: client.config_get(k)[k] for k in ("appendonly", "maxmemory-policy", "port", "dir")}
        assert conf == {"appendonly": "yes", "maxmemory-policy": "noeviction", "port": "0",
                        "dir": str(DataDir.resolve(data_dir).broker)}
        client.set("kept", "yes")
        with pytest.raises(AlreadyRunning):  # one owner per data folder
            Supervisor(DataDir.resolve(data_dir), roles=()).start()
    finally:
        sup.stop()
    assert not live_processes([pid])
    assert not os.path.exists(sock)
    # the append-only file brings the data back on the next start
    again = Supervisor(DataDir.resolve(data_dir), roles=())
    again.start()
    try:
        assert again.broker.client().get("kept") == b"yes"
    finally:
        again.stop()


def test_tcp_port_binds_loopback_with_a_password(data_dir):
    settings = Settings(data_dir / "settings.json")
    port = free_port()
    settings.set("broker_tcp_port", port)
    sup = Supervisor(DataDir.resolve(data_dir), settings, roles=())
    address = sup.start()
    try:
        assert address.url.startswith("redis://:") and f"@127.0.0.1:{port}/" in address.url
        with pytest.raises(redis.exceptions.AuthenticationError):
            bare_client(port=port).ping()
        assert redis.Redis(port=port, password=address.password).config_get("bind")["bind"] == "127.0.0.1"
    finally:
        sup.stop()


def test_two_instances_side_by_side(tmp_path):
    import tempfile

    with tempfile.TemporaryDirectory(prefix="em-") as a, tempfile.TemporaryDirectory(prefix="em-") as b:
        one, two = Supervisor(DataDir.resolve(a), roles=()), Supervisor(DataDir.resolve(b), roles=())
        one.start()
        two.start()
        try:
            one.broker.client().set("who", "one")
            assert two.broker.client().get("who") is None
        finally:
            one.stop()
            two.stop()
