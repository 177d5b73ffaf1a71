"""The agent's tools at the desk (#18): waits ticking and coloured past the SLA, calling a
chosen ticket with a reason (and losing it, told so, to a quicker colleague), the service
timer, and auto-call's countdown, which calls or which the agent stops."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from smartqueue.queues import clock, services
from smartqueue.queues.history import Actor
from smartqueue.queues.models import AgentProfile, Ticket
from tests.e2e.pages import counter_url, open_page

pytestmark = pytest.mark.e2e
SCREEN = {"width": 1366, "height": 768}


def actor(agent) -> Actor:
    return Actor(user=agent.user, label=agent.user.email)


def choose(page, number: str, reason: str, note: str = "") -> None:
    page.get_by_role("button", name=f"Appeler {number} avant son tour").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(number)
    dialog.get_by_label(reason, exact=True).check()
    if note:
        dialog.get_by_label("Précision").fill(note)
    dialog.get_by_role("button", name="Appeler ce ticket").click()


def test_an_agent_calls_a_chosen_ticket_with_a_reason(browser, live_server_url, branch):
    services.create_ticket(queue=branch.withdrawals)
    chosen = services.create_ticket(queue=branch.withdrawals, customer_name="Fatou")
    agent = open_page(
        browser, counter_url(live_server_url), user=branch.agents[0].user, viewport=SCREEN
    )

    agent.get_by_role("button", name="Appeler R002 avant son tour").click()
    agent.screenshot(path="/tmp/h8-counter-choose-dialog.png")
    agent.get_by_role("dialog").get_by_role("button", name="Annuler").click()
    choose(agent, "R002", "Priorité (âge, handicap, grossesse)")

    expect(agent.get_by_test_id("current-number")).to_have_text("R002")
    expect(agent.get_by_role("dialog")).to_have_count(0)
    chosen.refresh_from_db()
    assert chosen.status == Ticket.Status.CALLED
    note = chosen.events.get(kind="called").note
    assert note == "appelé avant son tour : Priorité (âge, handicap, grossesse)"


def test_two_agents_choose_the_same_ticket_and_the_second_is_told(browser, live_server_url, branch):
    services.create_ticket(queue=branch.withdrawals)
    chosen = services.create_ticket(queue=branch.withdrawals)
    first = open_page(browser, counter_url(live_server_url), user=branch.agents[0].user)
    second = open_page(browser, counter_url(live_server_url), user=branch.agents[1].user)

    second.get_by_role("button", name="Appeler R002 avant son tour").click()
    choose(first, "R002", "Rendez-vous")
    expect(first.get_by_test_id("current-number")).to_have_text("R002")
    dialog = second.get_by_role("dialog")
    dialog.get_by_label("Rendez-vous", exact=True).check()
    dialog.get_by_role("button", name="Appeler ce ticket").click()

    expect(second.get_by_test_id("desk-error")).to_contain_text(
        "Le ticket R002 vient d'être appelé par un autre agent."
    )
    expect(second.get_by_test_id("current-ticket")).to_have_count(0)
    chosen.refresh_from_db()
    assert chosen.agent_id == branch.agents[0].user.pk


def test_waits_tick_and_turn_red_past_the_sla_and_the_service_timer_ticks(
    browser, live_server_url, branch
):
    service = branch.withdrawals.service
    service.sla_seconds = 4
    service.save(update_fields=["sla_seconds"])
    with clock.frozen_at(clock.now() - timedelta(minutes=12)):
        services.create_ticket(queue=branch.advice, customer_name="Moussa")
        services.call_next(by=actor(branch.agents[0]), queue=branch.advice)
    services.create_ticket(queue=branch.withdrawals, customer_name="Awa")
    for name in ("Binta", "Ousmane"):
        with clock.frozen_at(clock.now() - timedelta(minutes=25)):
            services.create_ticket(queue=branch.advice, customer_name=name)
    agent = open_page(
        browser, counter_url(live_server_url), user=branch.agents[0].user, viewport=SCREEN
    )

    fresh = agent.locator(f"#waiting-{branch.withdrawals.pk}").get_by_test_id("waited")
    expect(fresh).not_to_have_class(re.compile("past-sla"))
    expect(fresh).to_have_class(re.compile("past-sla"), timeout=8000)  # live, no reload
    expect(fresh).to_have_text(re.compile(r"^\d+ s$"))
    old = agent.locator(f"#waiting-{branch.advice.pk}").get_by_test_id("waited").first
    expect(old).to_have_text("25 min")
    expect(old).to_have_class(re.compile("past-sla"))

    timer = agent.get_by_test_id("service-timer")
    expect(timer).to_have_text(re.compile(r"^12:\d\d$"))
    shown = timer.text_content()
    expect(timer).not_to_have_text(shown or "", timeout=3000)  # it ticks
    agent.screenshot(path="/tmp/h8-counter.png")


def serve_then_free(page, branch) -> None:
    """Agent 1 has R001 in hand and R002 waits; they close R001 from the page."""
    services.create_ticket(queue=branch.withdrawals)
    services.create_ticket(queue=branch.withdrawals)
    services.call_next(by=actor(branch.agents[0]))
    page.reload()
    expect(page.get_by_test_id("current-number")).to_have_text("R001")
    expect(page.locator("body[data-live=online]")).to_be_attached(timeout=5000)
    page.get_by_role("button", name="Clore").click()


def test_auto_call_counts_down_then_calls_the_next_ticket(browser, live_server_url, branch):
    agent = open_page(
        browser, counter_url(live_server_url), user=branch.agents[0].user, viewport=SCREEN
    )
    agent.get_by_label("Appel automatique quand je suis libre").check()
    expect(agent.get_by_test_id("auto-call")).to_contain_text("dès qu’un client attend")
    assert AgentProfile.objects.get(user_id=branch.agents[0].user.pk).auto_call is True

    serve_then_free(agent, branch)

    expect(agent.get_by_test_id("auto-call")).to_contain_text(
        re.compile(r"Appel automatique du suivant dans [1-5] s")
    )
    agent.screenshot(path="/tmp/h8-counter-countdown.png")
    expect(agent.get_by_test_id("current-number")).to_have_text("R002", timeout=8000)


def test_auto_call_countdown_can_be_stopped(browser, live_server_url, branch):
    AgentProfile.objects.filter(user_id=branch.agents[0].user.pk).update(auto_call=True)
    agent = open_page(browser, counter_url(live_server_url), user=branch.agents[0].user)

    serve_then_free(agent, branch)
    expect(agent.get_by_test_id("auto-call")).to_contain_text("dans")
    agent.get_by_role("button", name="Arrêter").click()

    expect(agent.get_by_test_id("auto-call")).to_contain_text("Appel automatique arrêté")
    agent.wait_for_timeout(6500)
    expect(agent.get_by_test_id("current-ticket")).to_have_count(0)
    assert Ticket.objects.get(number="R002").status == Ticket.Status.WAITING


def test_auto_call_waits_while_the_agent_fills_in_a_break(browser, live_server_url, branch):
    AgentProfile.objects.filter(user_id=branch.agents[0].user.pk).update(auto_call=True)
    agent = open_page(browser, counter_url(live_server_url), user=branch.agents[0].user)

    serve_then_free(agent, branch)
    expect(agent.get_by_test_id("auto-call")).to_contain_text("dans")
    agent.get_by_role("button", name="En pause").click()
    agent.wait_for_timeout(6500)
    assert Ticket.objects.get(number="R002").status == Ticket.Status.WAITING

    dialog = agent.get_by_role("dialog", name="Motif de la pause")
    dialog.get_by_label("Déjeuner", exact=True).check()
    dialog.get_by_role("button", name="Mettre en pause").click()
    expect(agent.get_by_test_id("break-reason")).to_have_text("(Déjeuner)")
    expect(agent.get_by_test_id("auto-call")).to_have_count(0)  # never while paused
    agent.wait_for_timeout(1500)
    assert Ticket.objects.get(number="R002").status == Ticket.Status.WAITING
