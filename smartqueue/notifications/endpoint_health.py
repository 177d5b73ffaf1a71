"""What happens when a webhook endpoint keeps failing: after a day it is switched off and the
organisation's admins are told by mail; a success clears the record. The outbox calls it after
each webhook send."""

from datetime import timedelta

from django.core.mail import send_mail

from smartqueue.notifications.models import Notification, WebhookEndpoint
from smartqueue.queues import clock
from smartqueue.tenants.services import current_tenant

GIVE_UP_AFTER = timedelta(days=1)


def note_success(endpoint: WebhookEndpoint) -> None:
    if endpoint.failing_since is not None:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)


def note_failure(endpoint: WebhookEndpoint) -> None:
    now = clock.now()
    if endpoint.failing_since is None:
        WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since=None).update(failing_since=now)
    elif now - endpoint.failing_since >= GIVE_UP_AFTER and endpoint.is_active:
        disable(endpoint, "Échecs continus depuis plus d'un jour.")


def disable(endpoint: WebhookEndpoint, reason: str) -> None:
    switched = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_reason=reason
    )
    Notification.objects.filter(endpoint=endpoint, status=Notification.Status.PENDING).update(
        status=Notification.Status.FAILED, last_error="point d'accès désactivé"
    )
    if switched:
        tell_admins(endpoint, reason)


def tell_admins(endpoint: WebhookEndpoint, reason: str) -> None:
    from smartqueue.accounts.models import Membership, Role

    tenant = current_tenant()
    emails = list(
        Membership.objects.filter(tenant=tenant, role=Role.ADMIN, is_active=True).values_list(
            "user__email", flat=True
        )
    )
    if emails:
        send_mail(
            f"SmartQueue : webhook désactivé ({getattr(tenant, 'name', '')})",
            f"Le point d'accès {endpoint.url} a été désactivé. {reason}\n"
            "Réactivez-le dans les paramètres une fois le problème corrigé.",
            None,
            emails,
            fail_silently=True,
        )
