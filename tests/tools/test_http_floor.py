"""`manage.py benchmark_http_floor` at a tiny size: a real daphne serves the do-nothing view and
every request is answered. Timings are printed by the command, never asserted."""

import io

from django.core.management import call_command


def test_the_floor_is_measured_against_a_real_daphne_and_every_request_answered():
    out = io.StringIO()
    call_command("benchmark_http_floor", processes="1", clients=2, seconds=1, stdout=out)
    header, figures, *rest = out.getvalue().splitlines()
    assert header.split()[:4] == ["processes", "clients", "requests", "req/s"]
    processes, clients, requests, *__ = figures.split()
    assert (processes, clients) == ("1", "2")
    assert int(requests) > 0
    assert rest == []  # no line of failed requests
