"""The dashboard's socket: one group for every site of the tenant, managers and admins only."""

from smartqueue.accounts.models import Role
from smartqueue.live.consumers import FORBIDDEN, NOT_FOUND, group_for
from smartqueue.live.groups import dashboard_group
from smartqueue.live.render import render_messages
from smartqueue.queues import services
from tests.factories import make_queue, make_user


def test_only_managers_and_admins_hear_the_dashboard(alpha, tenants):
    for role, expected in ((Role.ADMIN, 0), (Role.MANAGER, 0), (Role.AGENT, FORBIDDEN)):
        group, refusal = group_for(
            "alpha", "dashboard", "sites", make_user(tenant=alpha, role=role), "fr"
        )
        assert refusal == expected and (group == dashboard_group(alpha.schema_name)) == (
            not refusal
        )
    stranger = make_user(tenant=tenants.beta, role=Role.ADMIN)
    assert group_for("alpha", "dashboard", "sites", stranger, "fr") == (None, FORBIDDEN)
    admin = make_user(tenant=alpha, role=Role.ADMIN)
    assert group_for("alpha", "dashboard", "other", admin, "fr") == (None, NOT_FOUND)


def test_the_dashboard_gets_a_tick_without_fragments_it_lacks(alpha, published):
    queue = make_queue()
    services.create_ticket(queue=queue)
    messages = dict(render_messages(alpha.schema_name, queue.site, 7, published))
    tick = messages[dashboard_group(alpha.schema_name)]
    assert 'id="live-tick"' in tick and "waiting" not in tick
