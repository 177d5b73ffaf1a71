from django.conf import settings


def supported(code: str | None, default: str | None = None) -> str:
    """The language asked for (a kiosk choice, a link) if we speak it, else the default."""
    return code if code in dict(settings.LANGUAGES) else (default or settings.LANGUAGE_CODE)
