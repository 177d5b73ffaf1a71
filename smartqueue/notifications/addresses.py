"""Where webhooks may go: public internet addresses only. An endpoint's address is chosen by a
tenant's admin; without this check it could make our server post to (and, through a
redirect, reach) the loopback, the private network or a cloud's metadata service.

Checked when the address is saved, and again at each delivery on the addresses the name has
then (a name can change what it points to); the connection goes to the address that was
checked, and a redirect is never followed."""

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings


class InternalAddress(ValueError):
    """The host is, or resolves to, an address that is not on the public internet."""


def is_public(ip: str) -> bool:
    address = ipaddress.ip_address(ip.split("%")[0])  # an IPv6 zone ("%eth0") is not part of it
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is the loopback
    return address.is_global and not address.is_multicast


def public_addresses(host: str, port: int) -> list[str]:
    """The host's addresses, all public, or InternalAddress (socket.gaierror: no such name)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if settings.ALLOW_PRIVATE_ADDRESSES:  # tests only: their receivers are local
        return addresses
    if not addresses or not all(is_public(ip) for ip in addresses):
        raise InternalAddress(host)
    return addresses


def refuse_internal(url: str) -> None:
    """For the forms: InternalAddress if the address leads inside. A name that does not resolve
    today is let through: each delivery checks it again."""
    parts = urlsplit(url)
    try:
        public_addresses(parts.hostname or "", parts.port or 443)
    except (socket.gaierror, UnicodeError):
        pass


def post_to_public(url: str, body: bytes, headers: dict, timeout: float) -> tuple[int, bytes]:
    """POST to the checked address of the URL's host (TLS still verifies the name); the answer's
    status and start, a redirect included (not followed)."""
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    host = parts.hostname or ""
    ip = public_addresses(host, port)[0]
    kind = PinnedHTTPSConnection if secure else PinnedHTTPConnection
    connection: http.client.HTTPConnection = kind(host, ip, port=port, timeout=timeout)
    path = parts.path or "/"
    try:
        connection.request("POST", f"{path}?{parts.query}" if parts.query else path, body, headers)
        response = connection.getresponse()
        return response.status, response.read(4096)
    finally:
        connection.close()


class PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, ip: str, **kwargs):
        super().__init__(host, **kwargs)
        self.ip = ip

    def connect(self):
        self.sock = socket.create_connection((self.ip, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, ip: str, **kwargs):
        super().__init__(host, context=ssl.create_default_context(), **kwargs)
        self.ip = ip

    def connect(self):
        sock = socket.create_connection((self.ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
