from django import forms
from django.utils.translation import gettext_lazy as _

from smartqueue.devices.selectors import open_queues
from smartqueue.phones import international_phone
from smartqueue.queues.customers import attach_or_create
from smartqueue.queues.models import Customer, Queue, Site

NOTIFY_CHOICES = [("", _("Aucun")), ("sms", "SMS"), ("whatsapp", "WhatsApp")]


class KioskTicketForm(forms.Form):
    queue = forms.UUIDField(error_messages={"invalid": _("Choisissez un service.")})
    phone = forms.CharField(required=False, max_length=32, label=_("Téléphone"))
    notify = forms.ChoiceField(choices=NOTIFY_CHOICES, required=False)

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site

    def clean_queue(self) -> Queue:
        wanted = self.cleaned_data["queue"]
        for queue in open_queues(self.site):
            if queue.pk == wanted:
                return queue
        raise forms.ValidationError(_("Ce service n'est pas ouvert pour le moment."))

    def clean_phone(self) -> str:
        """Read with the site's country as the default region (77 123 45 67 in Dakar)."""
        return international_phone(self.cleaned_data["phone"], self.site.country)

    def clean(self):
        data = super().clean()
        if not data.get("phone"):
            data["notify"] = ""  # the channel only matters with a number to send to
        return data

    def customer(self) -> Customer | None:
        """The customer behind the phone number (customers.attach_or_create: the kiosk never
        changes a record); the channel chosen here only for a number not known yet."""
        notify = self.cleaned_data["notify"]
        return attach_or_create(
            phone=self.cleaned_data["phone"],
            notify_sms=notify == "sms",
            notify_whatsapp=notify == "whatsapp",
        )


class CheckInForm(forms.Form):
    """An appointment's code, typed or read by the kiosk's scanner (which types it too)."""

    code = forms.CharField(max_length=12, error_messages={"required": _("Tapez votre code.")})
