"""The documented flows under real threads (committed rows, one connection per thread)."""

from smartqueue.errors import NotFound
from smartqueue.queues import services
from smartqueue.queues.history import Actor
from smartqueue.queues.models import AgentProfile
from tests.factories import make_queue, make_user
from tests.threads import in_threads


def test_agents_without_counters_calling_at_once_each_get_a_distinct_ticket(committed):
    queue = make_queue()
    for _ in range(30):
        services.create_ticket(queue=queue)
    agents = []
    for _ in range(6):
        user = make_user(tenant=committed)
        AgentProfile.objects.create(user_id=user.pk, current_status="available")
        agents.append(Actor(user=user, label=user.email))

    def serve_until_empty(agent):
        served = []
        while True:
            try:
                ticket = services.call_next(by=agent, queue=queue)
            except NotFound:
                return served
            served.append(ticket.number)
            services.close_ticket(ticket=ticket, by=agent)

    results = in_threads(committed, lambda i: serve_until_empty(agents[i]), len(agents))
    numbers = [number for result in results for number in result]
    assert sorted(numbers) == [f"A{n:03d}" for n in range(1, 31)]  # none skipped, none twice
