"""Addresses a person types: where the helpers' gate listens, and where the local API does.

A leaf: the settings' checks, the gate and the API read the same rules.
"""

from __future__ import annotations

import ipaddress

DEFAULT_PORT = 6380
API_PORT = 8765  # the local API's, when only a host is given (or nothing)


def split_host_port(text: str) -> tuple[str, str]:
    """'[::1]:8765' → ('::1', '8765'), 'host:port' → both, a bare host → (host, '')."""
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        return host, rest.lstrip(":")
    if text.count(":") == 1:
        host, _, port_text = text.partition(":")
        return host, port_text
    return text, ""


def parse_listen(text: str) -> tuple[str, int]:
    """'192.168.1.5:6380', '0.0.0.0', ':6380' or '[::]:6380' → (host, port); ValueError
    with a sentence."""
    text = (text or "").strip()
    if not text:
        raise ValueError("Give the address to listen on, such as 0.0.0.0:6380 or 192.168.1.5:6380.")
    host, port_text = split_host_port(text)
    host = host or "0.0.0.0"
    try:
        port = int(port_text) if port_text else DEFAULT_PORT
        ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"'{text}' is not an address and port such as 0.0.0.0:6380.") from None
    if not 1 <= port <= 65535:
        raise ValueError(f"Port {port} is out of range (1-65535).")
    return host, port


def parse_api_address(text: str | None) -> tuple[str, int]:
    """Where the local API listens: '8765' → 127.0.0.1:8765; '0.0.0.0:8765', '[::1]:8765',
    '192.168.1.5' (the default port); empty: 127.0.0.1:8765. ValueError with a sentence."""
    text = (text or "").strip()
    if not text:
        return "127.0.0.1", API_PORT
    if text.isdigit():
        host, port_text = "127.0.0.1", text
    else:
        host, port_text = split_host_port(text)
    host = {"localhost": "127.0.0.1", "": "127.0.0.1"}.get(host, host)
    try:
        ipaddress.ip_address(host)
        port = int(port_text) if port_text else API_PORT
    except ValueError:
        raise ValueError(f"'{text}' is not an address for the API such as 8765 or 127.0.0.1:8765.") from None
    if not 0 <= port <= 65535:
        raise ValueError(f"Port {port} is out of range (1-65535).")
    return host, port
