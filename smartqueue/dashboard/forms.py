"""Settings forms: plain ModelForms rendered by crispy-forms (Bootstrap 5)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from smartqueue.devices.models import HEX_COLOUR, Display, Kiosk
from smartqueue.devices.theme import READABLE, contrast
from smartqueue.notifications.addresses import InternalAddress, refuse_internal
from smartqueue.notifications.models import (
    NotificationTemplate,
    SlaAlertSetting,
    WebhookEndpoint,
)
from smartqueue.notifications.planning import check_template
from smartqueue.phones import international_phone
from smartqueue.queues.models import Counter, Holiday, OpeningHours, Queue, Service, Site
from smartqueue.tenants.models import Tenant, validate_origins

LABELS = {
    "phone_limit": _("Un ticket en attente par numéro de téléphone"),
    "name": _("Nom"),
    "name_en": _("Nom en anglais (vide : le nom en français)"),
    "name_wo": _("Nom en wolof (vide : le nom en français)"),
    "slug": _("Identifiant dans les adresses"),
    "address": _("Adresse"),
    "city": _("Ville"),
    "country": _("Pays (code ISO, ex. SN)"),
    "phone": _("Téléphone"),
    "timezone": _("Fuseau horaire"),
    "is_active": _("Actif"),
    "site": _("Site"),
    "service": _("Service"),
    "algorithm": _("Ordre d'appel"),
    "language": _("Langue"),
    "layout": _("Disposition"),
    "letter": _("Lettre des tickets"),
    "sla_seconds": _("Objectif d'attente (secondes)"),
    "no_show_after_seconds": _("Absent si le service n'a pas commencé après (secondes)"),
    "closing_time": _("Heure de fermeture (heure du site)"),
    "end_of_day": _("À la fermeture, les tickets restants"),
    "approaching_position": _("Prévenir le client à cette position (0 : jamais)"),
    "slot_minutes": _("Rendez-vous : durée d'un créneau (minutes)"),
    "slot_capacity": _("Rendez-vous : clients par créneau"),
    "checkin_before_minutes": _("Enregistrement possible avant le créneau (minutes)"),
    "late_after_minutes": _(
        "Au-delà de ce retard, le client passe comme sans rendez-vous (minutes)"
    ),
    "reminder_minutes": _("Rappel envoyé avant le créneau (minutes)"),
    "weekday": _("Jour"),
    "opens_at": _("Ouverture"),
    "closes_at": _("Fermeture"),
    "day": _("Date"),
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
            "name_en",
            "name_wo",
            "letter",
            "sla_seconds",
            "no_show_after_seconds",
            "approaching_position",
            "slot_minutes",
            "slot_capacity",
            "checkin_before_minutes",
            "late_after_minutes",
            "reminder_minutes",
            "phone_limit",
            "is_active",
        ]
        labels = LABELS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone_limit"].required = False  # left out (older pages, the API): default

    def clean_phone_limit(self):
        return self.cleaned_data.get("phone_limit") or Service.PhoneLimit.SELF_SERVICE


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
        label=_("Files servies"),
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
                _("Un guichet ne sert que des files de son site : %(queues)s")
                % {"queues": ", ".join(others)}
            )
        return data


LOGO_MAX_BYTES = 200 * 1024  # stored in the row and sent inline with the page
LOGO_TYPES = {  # the first bytes of each accepted format; SVG (it may carry script) is not one
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def image_type(head: bytes) -> str | None:
    for magic, content_type in LOGO_TYPES.items():
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


class DisplayForm(forms.ModelForm):
    """What a lobby screen shows: its queues, the organisation's logo and colours, a line of
    text along the bottom."""

    queues = forms.ModelMultipleChoiceField(
        queryset=Queue.objects.select_related("site", "service"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Files affichées"),
        help_text=_("Aucune cochée : toutes les files du site."),
    )
    logo = forms.FileField(
        required=False,
        label=_("Logo (PNG, JPEG ou WebP, 200 Ko au plus)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(required=False, label=_("Retirer le logo"))

    class Meta:
        model = Display
        fields = [
            "site",
            "name",
            "language",
            "layout",
            "queues",
            "message",
            "background",
            "accent",
            "is_active",
        ]
        labels = {
            **LABELS,
            "message": _("Message en bas de l'écran"),
            "background": _("Couleur de fond"),
            "accent": _("Couleur d'accent (numéros appelés, bandeau)"),
        }
        widgets = {
            "background": forms.TextInput(attrs={"type": "color"}),
            "accent": forms.TextInput(attrs={"type": "color"}),
        }

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(_("Ce logo est trop lourd : 200 Ko au plus."))
        content = upload.read()
        content_type = image_type(content[:16])
        if content_type is None:
            raise forms.ValidationError(_("Le logo doit être une image PNG, JPEG ou WebP."))
        return content, content_type

    def clean(self):
        data = super().clean()
        site = data.get("site")
        others = [q.name for q in data.get("queues", []) if site and q.site_id != site.pk]
        if others:
            self.add_error(
                "queues",
                _("Un écran n'affiche que des files de son site : %(queues)s")
                % {"queues": ", ".join(others)},
            )
        background, accent = data.get("background", ""), data.get("accent", "")
        colours = all(HEX_COLOUR.regex.fullmatch(colour) for colour in (background, accent))
        if colours and contrast(background, accent) < READABLE:
            self.add_error(
                "accent",
                _("Cette couleur d'accent se lit mal sur ce fond : choisissez-la plus contrastée."),
            )
        return data

    def save(self, commit=True):
        display = super().save(commit=False)
        if self.cleaned_data.get("logo"):
            display.logo, display.logo_type = self.cleaned_data["logo"]
        elif self.cleaned_data.get("remove_logo"):
            display.logo, display.logo_type = None, ""
        if commit:
            display.save()
            self.save_m2m()
        return display


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
            "event": _("Événement"),
            "channel": _("Canal"),
            "subject": _("Objet (e-mail)"),
            "body": _("Texte"),
        }
        help_texts = {
            "body": _(
                "Variables : {{ ticket_number }}, {{ queue_name }}, {{ site_name }}, "
                "{{ position }}, {{ eta_minutes }}, {{ counter_name }}, {{ tracking_url }}; "
                "rendez-vous : {{ appointment_code }}, {{ appointment_time }}"
            )
        }

    def clean_body(self):
        return check_template(self.cleaned_data["body"])

    def clean_subject(self):
        return check_template(self.cleaned_data.get("subject", ""))


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https", label=_("Adresse HTTPS"))
    events = forms.MultipleChoiceField(
        choices=[(name, name) for name in WebhookEndpoint.EVENTS],
        widget=forms.CheckboxSelectMultiple,
        label=_("Événements"),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "events", "is_active"]
        labels = {**LABELS, "url": _("Adresse HTTPS")}

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.startswith("https://"):
            raise forms.ValidationError(_("L'adresse doit commencer par https://"))
        try:
            refuse_internal(url)
        except InternalAddress:
            raise forms.ValidationError(
                _("Cette adresse mène à un réseau interne : donnez une adresse publique.")
            ) from None
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
            raise forms.ValidationError(_("La fermeture doit suivre l'ouverture."))
        return data


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["site", "day", "name"]
        labels = LABELS
        widgets = {"day": forms.DateInput(attrs={"type": "date"})}


class SlaAlertForm(forms.ModelForm):
    """Whether a site's managers are told when one of its queues waits past its SLA."""

    class Meta:
        model = SlaAlertSetting
        fields = ["site", "by_email", "sms_to", "is_active"]
        labels = {
            **LABELS,
            "by_email": _("Prévenir par e-mail les responsables et les administrateurs"),
            "sms_to": _("Prévenir par SMS ces numéros (séparés par des virgules)"),
        }

    def clean_sms_to(self):
        site = self.cleaned_data.get("site")
        raw = self.cleaned_data.get("sms_to", "")
        numbers = [
            international_phone(number, site.country if site else "SN")
            for number in raw.split(",")
            if number.strip()
        ]
        joined = ", ".join(dict.fromkeys(numbers))
        if len(joined) > SlaAlertSetting._meta.get_field("sms_to").max_length:
            raise forms.ValidationError(_("Trop de numéros : gardez-en une dizaine au plus."))
        return joined


class OrganisationForm(forms.ModelForm):
    """The organisation's own settings (admins): the web origins allowed to call its API from
    a browser, one a line."""

    api_origins = forms.CharField(
        label=_("Origines autorisées pour l'API (CORS), une par ligne"),
        help_text=_("schéma://hôte[:port], par exemple https://rdv.exemple.sn"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    class Meta:
        model = Tenant
        fields = ["api_origins"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["api_origins"] = "\n".join(self.instance.api_origins or [])

    def clean_api_origins(self) -> list[str]:
        lines = self.cleaned_data["api_origins"].splitlines()
        origins = list(dict.fromkeys(line.strip().lower() for line in lines if line.strip()))
        validate_origins(origins)
        return origins
