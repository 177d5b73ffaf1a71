"""The README's API walk-through (the sh block after <!-- api-walkthrough -->) is run line by
line: its variables, its curl commands (method, headers, body) and its jq paths, against the
API through Django's test client. A change of the API that breaks the README breaks this."""

import json
import re
import shlex
from pathlib import Path

import pytest

from smartqueue.accounts.models import Role
from smartqueue.queues.models import Ticket
from tests.conftest import PASSWORD
from tests.factories import make_counter, make_queue, make_user

pytestmark = pytest.mark.django_db
README = Path(__file__).resolve().parents[2] / "README.md"
HOST = "http://localhost:8000"


def walkthrough() -> list[str]:
    text = README.read_text()
    block = re.search(r"<!-- api-walkthrough -->\n```sh\n(.*?)\n```", text, re.S)
    assert block, "the README has lost its API walk-through"
    return block[1].splitlines()


class Shell:
    """Just enough of sh, curl and jq for the walk-through."""

    def __init__(self, client, given: dict[str, str]):
        self.client, self.given, self.vars = client, given, dict(given)
        self.requests: list[tuple[str, str, int]] = []

    def expand(self, text: str) -> str:
        return re.sub(r"\$(\w+)", lambda m: self.vars[m[1]], text)

    def run(self, line: str) -> None:
        assignment = re.fullmatch(r"(\w+)=(.*)", line)
        if assignment is None:
            self.curl(line)
            return
        name, value = assignment.groups()
        if name in self.given:
            return  # the test's own tenant, user and password
        if value.startswith("$(") and value.endswith(")"):
            command, _, path = value[2:-1].partition(" | jq -r ")
            self.vars[name] = str(jq(self.curl(command), path.strip("'")))
        else:
            (self.vars[name],) = shlex.split(self.expand(value))

    def curl(self, command: str):
        words = shlex.split(self.expand(command))
        assert words[0] == "curl"
        method, headers, body, url = "GET", {}, None, None
        words = iter(words[1:])
        for word in words:
            if word == "-s":
                continue
            if word == "-X":
                method = next(words)
            elif word == "-H":
                name, _, value = next(words).partition(": ")
                headers[name.lower()] = value
            elif word == "-d":
                body = next(words)
                method = "POST" if method == "GET" else method
            else:
                url = word
        assert url and url.startswith(HOST), url
        extra = {}
        if "authorization" in headers:
            extra["HTTP_AUTHORIZATION"] = headers["authorization"]
        response = self.client.generic(
            method,
            url.removeprefix(HOST),
            body or "",
            content_type=headers.get("content-type", "application/octet-stream"),
            **extra,
        )
        self.requests.append((method, url.removeprefix(HOST), response.status_code))
        assert 200 <= response.status_code < 300, (command, response.content)
        return json.loads(response.content)


def jq(data, path: str):
    for name, index in re.findall(r"\.(\w+)|\[(\d+)\]", path):
        data = data[name] if name else data[int(index)]
    return data


def test_the_readme_walkthrough_runs_as_written(client, alpha):
    queue = make_queue()
    make_counter(queue.site, [queue])
    agent = make_user(tenant=alpha, role=Role.AGENT, password=PASSWORD)
    shell = Shell(client, {"SLUG": "alpha", "EMAIL": agent.email, "PASSWORD": PASSWORD})
    for line in walkthrough():
        shell.run(line)
    ticket = Ticket.objects.get()
    assert (ticket.status, ticket.outcome, ticket.agent_id) == (
        Ticket.Status.CLOSED,
        Ticket.Outcome.SERVED,
        agent.pk,
    )
    base = "/api/v1/tenants/alpha"
    assert [(m, p) for m, p, _ in shell.requests] == [
        ("POST", "/api/v1/auth/"),
        ("GET", f"{base}/queues/"),
        ("POST", f"{base}/tickets/"),
        ("GET", f"{base}/counters/"),
        ("POST", f"{base}/agents/set-status/"),
        ("POST", f"{base}/agents/call-next/"),
        ("POST", f"{base}/tickets/{ticket.pk}/close/"),
    ]
