import pytest

from tests.fakes import FakeTwilio


@pytest.fixture
def twilio(settings):
    """Twilio's API on 127.0.0.1, and the settings that send SMS and WhatsApp to it."""
    with FakeTwilio() as fake:
        settings.SMS_BACKEND = settings.WHATSAPP_BACKEND = "twilio"
        settings.TWILIO_API_URL = fake.url
        settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = fake.sid, fake.token
        settings.TWILIO_SMS_FROM = "+15005550006"
        settings.TWILIO_WHATSAPP_FROM = "+14155238886"
        settings.PUBLIC_URL = "https://queue.example.sn"
        yield fake
