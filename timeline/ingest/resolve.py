"""Name resolution under the fetch's deadline: getaddrinfo has no timeout, and a slow resolver held a poll
past timeout_seconds (issue 15)."""

from __future__ import annotations

import ipaddress
import socket
import threading

import httpcore


class ResolveTimeout(httpcore.ConnectTimeout):
    """The deadline passed while the host's name was being looked up; its text names the host."""


def addresses(host: str, port: int, wait: float) -> list[str]:
    """The host's addresses in the resolver's order (IPv6 and IPv4), waiting at most `wait` seconds.

    getaddrinfo cannot be interrupted, so it runs in a daemon thread that is left to finish on its own
    (the resolver's own timeouts end it) while the fetch gives up at its deadline."""
    if _is_address(host):
        return [host]
    done, outcome = threading.Event(), {}

    def look_up() -> None:
        try:
            outcome["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as error:
            outcome["error"] = error
        finally:
            done.set()

    threading.Thread(target=look_up, name=f"resolve {host}", daemon=True).start()
    if not done.wait(wait):
        raise ResolveTimeout(f"resolving {host}")
    if "error" in outcome:
        raise httpcore.ConnectError(str(outcome["error"])) from outcome["error"]
    return list(dict.fromkeys(info[4][0] for info in outcome["infos"]))


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
