"""Customers reached through public forms (kiosk, booking page, join page, messaging): one rule
for all of them."""

from smartqueue.queues.models import Customer


def attach_or_create(*, phone: str = "", email: str = "", **details: object) -> Customer | None:
    """The customer with this phone number (else this email), attached as they are; a new one
    with `details` only when none is known. A public form never changes a record: whoever
    knows a phone number could otherwise redirect its owner's messages to their own address
    (the owner corrects their details with the staff). None without a phone or an email."""
    found = None
    if phone:
        found = Customer.objects.filter(phone=phone).first()
    elif email:
        found = Customer.objects.filter(email__iexact=email).first()
    if found is not None or not (phone or email):
        return found
    return Customer.objects.create(phone=phone, email=email, **details)
