"""Endpoints under /api/v1/tenants/<slug>/: the tenant is set by the middleware."""

from django.urls import path

from smartqueue.api import resources

urlpatterns = [
    path("sites/", resources.sites, name="api_sites"),
]
