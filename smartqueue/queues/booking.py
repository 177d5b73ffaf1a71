"""The public booking form: a free slot of a service at a site, and how to reach the customer.

Validation only; booking itself is appointments.book_appointment."""

from datetime import UTC, datetime, timedelta

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from smartqueue.phones import international_phone
from smartqueue.queues.customers import attach_or_create
from smartqueue.queues.models import Customer, Queue, Service, Site


def at_calendar_edge(moment: datetime) -> bool:
    """Too near year 1 or 9999 to add a slot's length or change zone (OverflowError)."""
    try:
        moment.astimezone(UTC) + timedelta(days=2)
        moment.astimezone(UTC) - timedelta(days=2)
    except OverflowError:
        return True
    return False


class BookingForm(forms.Form):
    site = forms.ModelChoiceField(queryset=Site.objects.filter(is_active=True), label=_("Agence"))
    service = forms.ModelChoiceField(
        queryset=Service.objects.filter(is_active=True), label=_("Service")
    )
    starts_at = forms.CharField(
        widget=forms.HiddenInput, error_messages={"required": _("Choisissez un créneau.")}
    )
    name = forms.CharField(max_length=150, label=_("Votre nom"))
    phone = forms.CharField(max_length=32, required=False, label=_("Téléphone (SMS)"))
    email = forms.EmailField(required=False, label=_("E-mail"))

    def clean_starts_at(self):
        try:
            moment = datetime.fromisoformat(self.cleaned_data["starts_at"])
        except ValueError:
            raise forms.ValidationError(_("Choisissez un créneau.")) from None
        if moment.tzinfo is None or at_calendar_edge(moment):
            raise forms.ValidationError(_("Choisissez un créneau."))
        return moment

    def clean(self):
        data = super().clean()
        site = data.get("site")
        if data.get("phone"):
            region = site.country if site else "SN"
            try:
                data["phone"] = international_phone(data["phone"], region or "SN")
            except forms.ValidationError as error:
                self.add_error("phone", error)
        if not data.get("phone") and not data.get("email") and not self.errors.get("phone"):
            raise forms.ValidationError(_("Donnez un téléphone ou un e-mail pour le rappel."))
        service = data.get("service")
        if site and service and not Queue.objects.filter(site=site, service=service).exists():
            self.add_error("service", _("Ce service n'est pas rendu dans cette agence."))
        return data

    def customer(self, language: str) -> Customer:
        """The customer's record (customers.attach_or_create: a public form never changes one);
        the form's details make a new record only when none is known. The form requires a phone
        or an email, so there is always one."""
        data = self.cleaned_data
        first, _, last = data["name"].strip().partition(" ")
        customer = attach_or_create(
            phone=data["phone"],
            email=data["email"],
            first_name=first[:150],
            last_name=last[:150],
            notify_sms=bool(data["phone"]),
            notify_email=bool(data["email"]),
            language=language if language in dict(settings.LANGUAGES) else "fr",
        )
        assert customer is not None  # clean() asked for a phone or an email
        return customer
