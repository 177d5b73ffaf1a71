"""What people get when the server fails: a clear 503 while the database is away (the app
recovers by itself once it is back), a plain 500 otherwise; JSON on the API."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

UNAVAILABLE = "Service momentanément indisponible, réessayez dans un instant."


def server_error(request):
    """handler500: Django calls it inside its `except`, so the exception is still at hand."""
    error = sys.exc_info()[1]
    status = 503 if isinstance(error, OperationalError | InterfaceError) else 500
    if request.path.startswith("/api/"):
        text = UNAVAILABLE if status == 503 else "Erreur interne du serveur."
        return JsonResponse({"detail": text}, status=status)
    page = "503.html" if status == 503 else "500.html"
    return HttpResponse(render_to_string(page), status=status)
