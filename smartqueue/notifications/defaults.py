"""The templates every new organisation starts with, in French and English (editable later)."""

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
}
CHANNELS = ("sms", "whatsapp", "email")


def create_default_templates(template_model) -> None:
    """Idempotent: a template the organisation already has (edited or not) is left alone."""
    for (event, language), (subject, body) in TEXTS.items():
        for channel in CHANNELS:
            template_model.objects.get_or_create(
                event=event,
                channel=channel,
                language=language,
                defaults={"subject": subject if channel == "email" else "", "body": body},
            )
