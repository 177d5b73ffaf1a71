"""The templates every new organisation starts with, in French, English and Wolof (editable
later). The Wolof texts await a native speaker's review."""

TEXTS = {
    ("ticket_created", "fr"): (
        "Votre ticket {{ ticket_number }}",
        "{{ site_name }} : ticket {{ ticket_number }} ({{ queue_name }}). Position "
        "{{ position }}, attente estimée {{ eta_minutes }} min. Suivi : {{ tracking_url }}",
    ),
    ("ticket_created", "en"): (
        "Your ticket {{ ticket_number }}",
        "{{ site_name }}: ticket {{ ticket_number }} ({{ queue_name }}). Position "
        "{{ position }}, estimated wait {{ eta_minutes }} min. Follow it: {{ tracking_url }}",
    ),
    ("ticket_approaching", "fr"): (
        "Votre tour approche",
        "{{ site_name }} : ticket {{ ticket_number }}, plus que {{ position }} avant vous "
        "(environ {{ eta_minutes }} min). Merci de vous rapprocher du guichet.",
    ),
    ("ticket_approaching", "en"): (
        "Your turn is coming",
        "{{ site_name }}: ticket {{ ticket_number }}, {{ position }} ahead of you "
        "(about {{ eta_minutes }} min). Please come close to the counters.",
    ),
    ("ticket_called", "fr"): (
        "C'est votre tour",
        "{{ site_name }} : ticket {{ ticket_number }}, présentez-vous au {{ counter_name }}.",
    ),
    ("ticket_called", "en"): (
        "It is your turn",
        "{{ site_name }}: ticket {{ ticket_number }}, please go to {{ counter_name }}.",
    ),
    ("appointment_reminder", "fr"): (
        "Rappel de votre rendez-vous",
        "Rappel : rendez-vous {{ appointment_code }} le {{ appointment_time }} à "
        "{{ site_name }}. Présentez ce code à la borne.",
    ),
    ("appointment_reminder", "en"): (
        "Your appointment",
        "Reminder: appointment {{ appointment_code }} on {{ appointment_time }} at "
        "{{ site_name }}. Show this code at the kiosk.",
    ),
    ("feedback_request", "fr"): (
        "Votre avis compte",
        "Merci de votre visite à {{ site_name }}. Donnez-nous votre avis : {{ tracking_url }}",
    ),
    ("feedback_request", "en"): (
        "Tell us how it went",
        "Thank you for visiting {{ site_name }}. Tell us how it went: {{ tracking_url }}",
    ),
    ("ticket_created", "wo"): (
        "Sa tike {{ ticket_number }}",
        "{{ site_name }} : tike {{ ticket_number }} ({{ queue_name }}). Sa rang "
        "{{ position }}, xaar bi lu mat {{ eta_minutes }} minit. Topp ko : {{ tracking_url }}",
    ),
    ("ticket_approaching", "wo"): (
        "Sa waxtu mu ngi jegesi",
        "{{ site_name }} : tike {{ ticket_number }}, {{ position }} rekk a des ci sa kanam "
        "(lu mat {{ eta_minutes }} minit). Jegesil guichet yi.",
    ),
    ("ticket_called", "wo"): (
        "Sa waxtu agsi na",
        "{{ site_name }} : tike {{ ticket_number }}, demal ci {{ counter_name }}.",
    ),
    ("appointment_reminder", "wo"): (
        "Fàttali sa rendez-vous",
        "Fàttali : rendez-vous {{ appointment_code }} ci {{ appointment_time }} ca "
        "{{ site_name }}. Wone code bii ci borne bi.",
    ),
    ("feedback_request", "wo"): (
        "Sa xalaat am na solo",
        "Jërëjëf ci sa ñëw ca {{ site_name }}. Wax nu sa xalaat : {{ tracking_url }}",
    ),
}
CHANNELS = ("sms", "whatsapp", "email")


def create_default_templates(template_model, languages: tuple[str, ...] = ("fr", "en", "wo")):
    """Idempotent: a template the organisation already has (edited or not) is left alone."""
    for (event, language), (subject, body) in TEXTS.items():
        if language not in languages:
            continue
        for channel in CHANNELS:
            template_model.objects.get_or_create(
                event=event,
                channel=channel,
                language=language,
                defaults={"subject": subject if channel == "email" else "", "body": body},
            )
