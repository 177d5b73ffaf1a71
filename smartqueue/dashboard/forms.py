"""Settings forms: plain ModelForms rendered by crispy-forms (Bootstrap 5)."""

from django import forms

from smartqueue.devices.models import Display, Kiosk
from smartqueue.notifications.models import NotificationTemplate, WebhookEndpoint
from smartqueue.notifications.planning import check_template
from smartqueue.queues.models import Counter, Holiday, OpeningHours, Queue, Service, Site

LABELS = {
    "name": "Nom",
    "slug": "Identifiant dans les adresses",
    "address": "Adresse",
    "city": "Ville",
    "country": "Pays (code ISO, ex. SN)",
    "phone": "Téléphone",
    "timezone": "Fuseau horaire",
    "is_active": "Actif",
    "site": "Site",
    "service": "Service",
    "algorithm": "Ordre d'appel",
    "language": "Langue",
    "layout": "Disposition",
    "letter": "Lettre des tickets",
    "sla_seconds": "Objectif d'attente (secondes)",
    "no_show_after_seconds": "Absent si le service n'a pas commencé après (secondes)",
    "closing_time": "Heure de fermeture (heure du site)",
    "end_of_day": "À la fermeture, les tickets restants",
    "approaching_position": "Prévenir le client à cette position (0 : jamais)",
    "slot_minutes": "Rendez-vous : durée d'un créneau (minutes)",
    "slot_capacity": "Rendez-vous : clients par créneau",
    "checkin_before_minutes": "Enregistrement possible avant le créneau (minutes)",
    "late_after_minutes": "Au-delà de ce retard, le client passe comme sans rendez-vous (minutes)",
    "reminder_minutes": "Rappel envoyé avant le créneau (minutes)",
    "weekday": "Jour",
    "opens_at": "Ouverture",
    "closes_at": "Fermeture",
    "day": "Date",
}


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = [
            "name",
            "slug",
            "address",
            "city",
            "country",
            "phone",
            "timezone",
            "latitude",
            "longitude",
            "closing_time",
            "end_of_day",
            "is_active",
        ]
        labels = LABELS


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = [
            "name",
            "letter",
            "sla_seconds",
            "no_show_after_seconds",
            "approaching_position",
            "slot_minutes",
            "slot_capacity",
            "checkin_before_minutes",
            "late_after_minutes",
            "reminder_minutes",
            "is_active",
        ]
        labels = LABELS


class QueueForm(forms.ModelForm):
    """The status is not here: opening, pausing and closing go through the engine."""

    class Meta:
        model = Queue
        fields = ["site", "service", "name", "algorithm"]
        labels = LABELS


class CounterForm(forms.ModelForm):
    queues = forms.ModelMultipleChoiceField(
        queryset=Queue.objects.select_related("site"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Files servies",
    )

    class Meta:
        model = Counter
        fields = ["site", "name", "queues", "is_active"]
        labels = LABELS

    def clean(self):
        data = super().clean()
        site = data.get("site")
        others = [q.name for q in data.get("queues", []) if site and q.site_id != site.pk]
        if others:
            raise forms.ValidationError(
                "Un guichet ne sert que des files de son site : " + ", ".join(others)
            )
        return data


class DisplayForm(forms.ModelForm):
    class Meta:
        model = Display
        fields = ["site", "name", "language", "layout", "is_active"]
        labels = LABELS


class KioskForm(forms.ModelForm):
    class Meta:
        model = Kiosk
        fields = ["site", "name", "language", "is_active"]
        labels = LABELS


class NotificationTemplateForm(forms.ModelForm):
    class Meta:
        model = NotificationTemplate
        fields = ["event", "channel", "language", "subject", "body", "is_active"]
        labels = {
            **LABELS,
            "event": "Événement",
            "channel": "Canal",
            "subject": "Objet (e-mail)",
            "body": "Texte",
        }
        help_texts = {
            "body": "Variables : {{ ticket_number }}, {{ queue_name }}, {{ site_name }}, "
            "{{ position }}, {{ eta_minutes }}, {{ counter_name }}, {{ tracking_url }}; "
            "rendez-vous : {{ appointment_code }}, {{ appointment_time }}"
        }

    def clean_body(self):
        return check_template(self.cleaned_data["body"])

    def clean_subject(self):
        return check_template(self.cleaned_data.get("subject", ""))


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https", label="Adresse HTTPS")
    events = forms.MultipleChoiceField(
        choices=[(name, name) for name in WebhookEndpoint.EVENTS],
        widget=forms.CheckboxSelectMultiple,
        label="Événements",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "events", "is_active"]
        labels = {**LABELS, "url": "Adresse HTTPS"}

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.startswith("https://"):
            raise forms.ValidationError("L'adresse doit commencer par https://")
        return url


class OpeningHoursForm(forms.ModelForm):
    class Meta:
        model = OpeningHours
        fields = ["site", "weekday", "opens_at", "closes_at"]
        labels = LABELS
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}),
            "closes_at": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            raise forms.ValidationError("La fermeture doit suivre l'ouverture.")
        return data


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["site", "day", "name"]
        labels = LABELS
        widgets = {"day": forms.DateInput(attrs={"type": "date"})}
