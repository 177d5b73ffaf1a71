"""The API's OpenAPI document (/api/v1/schema/) and Swagger UI reading it (/api/v1/docs/).

Both are public: the document says how to authenticate, and Swagger UI's "Authorize" asks for
the token. Swagger UI is served from static/api/ (the CSP allows our own scripts only)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from smartqueue.api.schema import openapi_document


@require_GET
def schema(request):
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})


@require_GET
def docs(request):
    return render(request, "api/docs.html", {"schema_url": reverse("api_schema")})
