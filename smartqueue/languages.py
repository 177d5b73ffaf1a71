from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

# Staff pages exist in French and English; Wolof covers only what customers read.
STAFF_LANGUAGES = ("fr", "en")


def supported(code: str | None, default: str | None = None) -> str:
    """The language asked for (a kiosk choice, a link) if we speak it, else the default."""
    return code if code in dict(settings.LANGUAGES) else (default or settings.LANGUAGE_CODE)


def chosen_language(cookies: dict) -> str:
    """The staff language picked with the switcher (Django's language cookie), else French."""
    code = cookies.get(settings.LANGUAGE_COOKIE_NAME)
    return code if code in STAFF_LANGUAGES else settings.LANGUAGE_CODE


class ChosenLanguageMiddleware:
    """Pages in the language a visitor chose, French otherwise. Unlike Django's
    LocaleMiddleware the browser's Accept-Language is not followed: the branches' machines are
    often set to English while their staff read French, and the API's messages stay French for
    clients that never chose. Customer pages (kiosk, display, ticket, booking) still pick their
    own language from `?lang=`, the device or the customer, inside their views."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request.COOKIES)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
