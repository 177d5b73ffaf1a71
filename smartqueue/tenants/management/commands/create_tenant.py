from django.core.management.base import BaseCommand, CommandError

from smartqueue.tenants.services import TenantError, create_tenant


class Command(BaseCommand):
    help = "Create an organisation with its own schema and its first admin."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-password")
        parser.add_argument("--with-demo-data", action="store_true")

    def handle(self, *args, **options):
        try:
            tenant = create_tenant(
                name=options["name"],
                slug=options["slug"],
                admin_email=options["admin_email"],
                admin_password=options["admin_password"],
            )
        except TenantError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Tenant « {tenant.name} » créé (schéma {tenant.schema_name}).")
        if options["with_demo_data"]:
            from smartqueue.queues.demo import load_demo_data

            for line in load_demo_data(tenant):
                self.stdout.write(line)
