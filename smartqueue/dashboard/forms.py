"""Settings forms: plain ModelForms rendered by crispy-forms (Bootstrap 5)."""

from django import forms

from smartqueue.devices.models import Display, Kiosk
from smartqueue.queues.models import Counter, Queue, Service, Site

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
            "is_active",
        ]
        labels = LABELS


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = ["name", "letter", "sla_seconds", "is_active"]
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
