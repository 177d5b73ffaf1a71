import uuid


def as_uuid(value) -> uuid.UUID | None:
    """The UUID in a path, form or query string, or None if it is not one (never a 500)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
