from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.urls import reverse
from django_tenants.utils import schema_context

from smartqueue.devices.models import Display, Kiosk
from smartqueue.live.dispatcher import dispatcher
from smartqueue.queues.demo import AGENT_PASSWORD, MANAGER_PASSWORD, load_demo_data
from smartqueue.tenants.models import Tenant
from smartqueue.tenants.services import create_tenant

DEMO = {"name": "Demo Bank", "slug": "demo-bank", "admin_email": "admin@demo-bank.com"}
DEMO_ADMIN_PASSWORD = "admin123"


class Command(BaseCommand):
    help = "Migrate every schema, create the demo organisation if absent, print where to go."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args, url, **options):
        call_command("migrate_schemas", interactive=False, verbosity=0)
        if not Tenant.objects.filter(slug=DEMO["slug"]).exists():
            self.stdout.write("Création de l'organisation de démonstration…")
            tenant = create_tenant(**DEMO, admin_password=DEMO_ADMIN_PASSWORD)
            for line in load_demo_data(tenant):
                self.stdout.write(f"  {line}")
            dispatcher.flush(timeout=30)  # before the embedded database stops with us
        self.stdout.write(self.style.SUCCESS(f"\nSmartQueue: {url}/"))
        self.stdout.write(f"  Connexion      {url}/accounts/login/")
        self.stdout.write(f"  Démo           {url}/t/{DEMO['slug']}/")
        self.stdout.write(f"  API (santé)    {url}/api/v1/health/")
        self.stdout.write(f"  Admin          {DEMO['admin_email']} / {DEMO_ADMIN_PASSWORD}")
        self.stdout.write(f"  Manager        manager@demo-bank.com / {MANAGER_PASSWORD}")
        self.stdout.write(f"  Agents         agent1@demo-bank.com … agent3 / {AGENT_PASSWORD}")
        for label, link in device_links(url):
            self.stdout.write(f"  {label:<14} {link}")
        self.stdout.write("")


def device_links(url: str) -> list[tuple[str, str]]:
    """The demo's lobby screen and kiosk open with their secret links, no sign-in."""
    tenant = Tenant.objects.get(slug=DEMO["slug"])
    with schema_context(tenant.schema_name):
        links = [("Écran", url + device_path("display", tenant, d)) for d in Display.objects.all()]
        links += [("Borne", url + device_path("kiosk", tenant, k)) for k in Kiosk.objects.all()]
    return links


def device_path(name: str, tenant: Tenant, device) -> str:
    return reverse(name, kwargs={"tenant_slug": tenant.slug, "secret": device.secret})
