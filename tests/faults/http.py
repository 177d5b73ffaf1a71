"""A few JSON calls to a server subprocess, with the status kept (a 500 must be seen, not
raised)."""

import json
import urllib.error
import urllib.request


def call(method: str, url: str, token: str | None = None, body: dict | None = None):
    """(status, decoded JSON or text) of one request; connection failures raise OSError."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, decoded(response.read())
    except urllib.error.HTTPError as error:
        return error.code, decoded(error.read())


def decoded(raw: bytes):
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")
