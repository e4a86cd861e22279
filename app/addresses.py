"""Addresses a person types: where the helpers' gate listens.

A leaf: the settings' check and the gate read the same rule.
"""

from __future__ import annotations

import ipaddress

DEFAULT_PORT = 6380


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
