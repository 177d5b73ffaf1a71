"""The audit trail reads as words: "field: old → new", names instead of ids."""

import html
import re

from smartqueue.accounts.models import Role
from smartqueue.queues import services
from smartqueue.queues.history import Actor
from tests.factories import make_agent, make_counter, make_queue, make_user


def test_audit_rows_show_changes_and_names_not_dicts_and_ids(client, alpha, tenants):
    queue = make_queue(letter="R")
    counter = make_counter(queue.site, [queue], name="Guichet 7")
    agent = make_agent(counter)
    agent.user.first_name, agent.user.last_name = "Fatou", "Diop"
    agent.user.save()
    services.create_ticket(queue=queue)
    services.call_next(by=Actor(user=agent.user, label=agent.label))
    client.force_login(make_user(tenant=tenants.alpha, role=Role.ADMIN))

    page = html.unescape(client.get("/t/alpha/audit/").content.decode())

    changes = re.findall(r'data-testid="audit-changes">(.*?)</ul>', page, re.S)
    words = [re.sub(r"<[^>]+>", " ", c) for c in changes]
    called = next(w for w in words if "Guichet 7" in w)
    assert re.search(r"Statut\s*:\s*En attente → Appelé", called)
    assert "Fatou Diop" in called
    assert "{'" not in page and str(counter.pk) not in page
    assert re.search(r'data-testid="audit-object">R001<', page)
