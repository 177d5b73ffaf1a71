"""The agent's desk as served: one agent per counter, a paused agent calls nobody (button or
Space), every tab of the desk follows the agent live, and a queue nobody serves says so."""

import pytest
from playwright.sync_api import expect

from smartqueue.queues import services
from smartqueue.queues.models import AgentProfile, Ticket
from tests.e2e.pages import counter_url, open_page

pytestmark = pytest.mark.e2e


def take_break(page, reason: str, note: str = "") -> None:
    """Pause as the desk asks: a reason from the list (and words for « Autre »)."""
    page.get_by_role("button", name="En pause").click()
    dialog = page.get_by_role("dialog", name="Motif de la pause")
    dialog.get_by_label(reason, exact=True).check()
    if note:
        dialog.get_by_label("Précision").fill(note)
    dialog.get_by_role("button", name="Mettre en pause").click()


def test_a_paused_agent_cannot_call_with_the_button_or_the_space_key(
    browser, live_server_url, branch
):
    ticket = services.create_ticket(queue=branch.withdrawals)
    agent = open_page(browser, counter_url(live_server_url), user=branch.agents[0].user)
    take_break(agent, "Déjeuner")

    call = agent.get_by_role("button", name="Appeler le suivant")
    expect(call).to_be_disabled()
    expect(agent.get_by_test_id("on-break")).to_contain_text("Vous êtes en pause")
    agent.locator("body").press(" ")
    agent.wait_for_timeout(500)

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING
    profile = AgentProfile.objects.get(user_id=branch.agents[0].user.pk)
    assert profile.current_status == AgentProfile.Status.PAUSED
    expect(agent.get_by_test_id("current-ticket")).to_have_count(0)


def test_a_second_agent_is_refused_a_counter_someone_sits_at(browser, live_server_url, branch):
    second = open_page(browser, counter_url(live_server_url), user=branch.agents[1].user)
    second.get_by_label("Guichet", exact=True).select_option(label="Agence Médina · Guichet 1")
    second.get_by_role("button", name="Disponible").click()

    expect(second.get_by_test_id("desk-error")).to_contain_text(
        "Le guichet « Guichet 1 » est déjà occupé"
    )
    profile = AgentProfile.objects.get(user_id=branch.agents[1].user.pk)
    assert profile.counter_id == branch.agents[1].counter.pk


def test_the_desk_open_in_two_tabs_follows_the_agent_live(browser, live_server_url, branch):
    services.create_ticket(queue=branch.withdrawals)
    first = open_page(browser, counter_url(live_server_url), user=branch.agents[0].user)
    second = first.context.new_page()
    second.goto(counter_url(live_server_url))
    expect(second.locator("body[data-live=online]")).to_be_attached(timeout=5000)

    first.get_by_role("button", name="Appeler le suivant").click()
    expect(first.get_by_test_id("current-number")).to_have_text("R001")
    expect(second.get_by_test_id("current-number")).to_have_text("R001", timeout=2000)

    second.get_by_role("button", name="Clore").click()
    expect(first.get_by_test_id("current-ticket")).to_have_count(0, timeout=2000)
    expect(first.get_by_test_id("desk-notice")).to_have_count(0)

    take_break(first, "Formation")
    expect(second.get_by_role("button", name="Appeler le suivant")).to_be_disabled(timeout=2000)


def test_a_queue_nobody_serves_says_so_instead_of_an_estimate(browser, live_server_url, branch):
    AgentProfile.objects.update(current_status=AgentProfile.Status.OFFLINE)
    agent = open_page(browser, counter_url(live_server_url), user=branch.agents[0].user)
    for queue in (branch.withdrawals, branch.advice):
        expect(agent.locator(f"#waiting-{queue.pk}").get_by_test_id("newcomer-wait")).to_have_text(
            "aucun agent ne sert cette file"
        )

    kiosk = open_page(browser, f"{live_server_url}/t/alpha/kiosk/{branch.kiosk.secret}/")
    kiosk.get_by_role("button", name=branch.withdrawals.service.name).click()
    kiosk.get_by_test_id("take-ticket").click()
    expect(kiosk.get_by_test_id("kiosk-ticket")).to_contain_text(
        "inconnue, aucun agent ne sert cette file"
    )
    expect(kiosk.get_by_test_id("kiosk-ticket")).not_to_contain_text("moins de 5 min")


def test_a_break_asks_for_a_reason_and_the_desk_shows_it(browser, live_server_url, branch):
    agent = open_page(browser, counter_url(live_server_url), user=branch.agents[0].user)
    take_break(agent, "Autre")
    expect(agent.get_by_test_id("desk-error")).to_contain_text("Précisez le motif de la pause")
    assert AgentProfile.objects.get(user_id=branch.agents[0].user.pk).current_status == "available"

    take_break(agent, "Autre", note="Réunion d'équipe")
    expect(agent.get_by_test_id("break-reason")).to_have_text("(Autre : Réunion d'équipe)")
    profile = AgentProfile.objects.get(user_id=branch.agents[0].user.pk)
    assert (profile.current_status, profile.break_reason, profile.break_note) == (
        "paused",
        "other",
        "Réunion d'équipe",
    )
