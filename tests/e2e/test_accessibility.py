"""axe-core (vendored) on the pages people use all day: no serious or critical violation."""

from pathlib import Path

import pytest

from smartqueue.accounts.models import Role
from smartqueue.queues import services
from tests.e2e.pages import PHONE, counter_url, display_url, open_page
from tests.factories import make_user

pytestmark = pytest.mark.e2e
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def audited(browser, url: str, **options):
    return open_page(browser, url, audit=True, **options)


def test_the_screens_have_no_serious_accessibility_violation(
    browser, live_server_url, branch, committed
):
    ticket = services.create_ticket(queue=branch.withdrawals, customer_name="Awa")
    manager = make_user(tenant=committed, role=Role.MANAGER)
    base = f"{live_server_url}/t/alpha"
    pages = {
        "counter": audited(browser, counter_url(live_server_url), user=branch.agents[0].user),
        "display": audited(browser, display_url(live_server_url, branch.displays[0])),
        "kiosk": audited(browser, f"{base}/kiosk/{branch.kiosk.secret}/"),
        "ticket": audited(browser, f"{base}/ticket/{ticket.pk}/", viewport=PHONE),
        "dashboard": audited(browser, f"{base}/dashboard/", user=manager),
    }
    found = {name: serious_violations(page) for name, page in pages.items()}
    assert found == {name: [] for name in pages}
