"""Validation of the API's bodies with Django forms: a field error answers {"field": [...]}."""

import string

from django import forms
from django.conf import settings

from smartqueue.dashboard.forms import (
    CounterForm,
    QueueForm,
    ServiceForm,
    SiteForm,
    WebhookEndpointForm,
)
from smartqueue.phones import international_phone
from smartqueue.queues.models import Customer, Queue, Service, Site, Ticket

__all__ = [
    "AppointmentForm",
    "CounterForm",
    "CustomerForm",
    "QueueApiForm",
    "ServiceApiForm",
    "SiteForm",
    "TenantForm",
    "TicketForm",
    "WebhookEndpointForm",
]


def json_object(value, name: str) -> dict:
    """A JSON field that must hold an object ({} when absent)."""
    value = value or {}
    if not isinstance(value, dict):
        raise forms.ValidationError(f"{name} doit être un objet JSON.")
    return value


class ServiceApiForm(ServiceForm):
    """The settings page's fields and the priority rules. The seeds' body has no ticket
    letter: a new service takes the first one still free."""

    letter = forms.RegexField(regex=r"^[A-Z]{1,2}$", required=False)

    class Meta(ServiceForm.Meta):
        fields = [*ServiceForm.Meta.fields, "priority_rules"]

    def clean_priority_rules(self):
        rules = json_object(self.cleaned_data.get("priority_rules"), "priority_rules")
        step = rules.get("step_seconds", 0)
        if not isinstance(step, int) or isinstance(step, bool) or step < 0:
            raise forms.ValidationError("step_seconds doit être un entier positif ou nul.")
        return rules

    def clean_letter(self):
        if self.cleaned_data.get("letter"):
            return self.cleaned_data["letter"]
        return free_letter() if self.instance._state.adding else self.instance.letter


def free_letter() -> str:
    used = set(Service.objects.values_list("letter", flat=True))
    return next((letter for letter in string.ascii_uppercase if letter not in used), "A")


class QueueApiForm(QueueForm):
    """A queue's name defaults to its service's; its status goes through the engine."""

    class Meta(QueueForm.Meta):
        pass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False

    def clean(self):
        data = super().clean()
        if not data.get("name") and data.get("service"):
            data["name"] = f"File {data['service'].name}"
            self.instance.name = data["name"]
        return data


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "language",
            "notify_sms",
            "notify_email",
            "notify_whatsapp",
            "metadata",
            "is_active",
        ]

    def clean_phone(self):
        return international_phone(self.cleaned_data.get("phone", ""))

    def clean_language(self):
        language = self.cleaned_data.get("language") or "fr"
        codes = [code for code, _ in settings.LANGUAGES]
        if language not in codes:
            raise forms.ValidationError(f"Langue inconnue ; valeurs possibles : {', '.join(codes)}")
        return language

    def clean_metadata(self):
        return json_object(self.cleaned_data.get("metadata"), "metadata")


class TicketForm(forms.Form):
    queue = forms.ModelChoiceField(queryset=Queue.objects.select_related("site", "service"))
    customer = forms.ModelChoiceField(queryset=Customer.objects.all(), required=False)
    channel = forms.ChoiceField(choices=Ticket.Channel.choices, required=False)
    priority = forms.IntegerField(min_value=0, max_value=9, required=False)
    customer_name = forms.CharField(max_length=200, required=False)
    customer_phone = forms.CharField(max_length=32, required=False)

    def clean_customer_phone(self):
        return international_phone(self.cleaned_data.get("customer_phone", ""))


class AppointmentForm(forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.all())
    customer = forms.ModelChoiceField(queryset=Customer.objects.all(), required=False)
    site = forms.ModelChoiceField(queryset=Site.objects.all(), required=False)
    starts_at = forms.DateTimeField()
    ends_at = forms.DateTimeField()
    metadata = forms.JSONField(required=False)

    def clean_metadata(self):
        return json_object(self.cleaned_data.get("metadata"), "metadata")


class TenantForm(forms.Form):
    name = forms.CharField(max_length=200)
    slug = forms.SlugField(max_length=50)
    admin_email = forms.EmailField()
