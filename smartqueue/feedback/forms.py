from django import forms
from django.utils.translation import gettext_lazy as _


class FeedbackForm(forms.Form):
    csat = forms.TypedChoiceField(
        label=_("Êtes-vous satisfait de l'accueil ?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    nps = forms.TypedChoiceField(
        label=_("Recommanderiez-vous cette agence à un proche ? (0 à 10)"),
        choices=[("", "—")] + [(n, str(n)) for n in range(11)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    comment = forms.CharField(
        label=_("Un commentaire ?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
