"""Phone numbers as customers type them, stored as E.164: the one place for that rule."""

import phonenumbers
from django import forms
from django.utils.translation import gettext as _


def international_phone(raw: str, region: str | None = "SN") -> str:
    """ "77 123 45 67" read with the site's country (SN) → "+221771234567"; "" stays ""."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, region or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(_("Ce numéro de téléphone n'est pas valide."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
