import phonenumbers
from django import forms
from django.utils.translation import gettext_lazy as _

from smartqueue.devices.selectors import open_queues
from smartqueue.queues.models import Customer, Queue, Site

NOTIFY_CHOICES = [("", "Aucun"), ("sms", "SMS"), ("whatsapp", "WhatsApp")]


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
        """E.164, read with the site's country as the default region (77 123 45 67 in Dakar)."""
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        try:
            number = phonenumbers.parse(raw, self.site.country or None)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise forms.ValidationError(_("Ce numéro de téléphone n'est pas valide."))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def clean(self):
        data = super().clean()
        if not data.get("phone"):
            data["notify"] = ""  # the channel only matters with a number to send to
        return data

    def customer(self) -> Customer | None:
        """The customer behind the phone number, with the channel they chose to be told on."""
        phone, notify = self.cleaned_data["phone"], self.cleaned_data["notify"]
        if not phone:
            return None
        customer = Customer.objects.filter(phone=phone, is_active=True).first()
        if customer is None:
            customer = Customer(phone=phone)
        customer.notify_sms = customer.notify_sms or notify == "sms"
        customer.notify_whatsapp = customer.notify_whatsapp or notify == "whatsapp"
        customer.save()
        return customer
