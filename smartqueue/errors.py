"""Errors the domain raises on purpose: shown to people as messages, never as a 500."""


class DomainError(Exception):
    """A rule of the business was broken; the message says which, in French."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status = 404
