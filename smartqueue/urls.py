from django.urls import include, path

from smartqueue.accounts import views as account_views
from smartqueue.api import views as api_views

api_patterns = [
    path("health/", api_views.health, name="api_health"),
    path("auth/", api_views.login, name="api_login"),
    path("auth/me/", api_views.me, name="api_me"),
    path("auth/logout/", api_views.logout, name="api_logout"),
    path("tenants/<slug:tenant_slug>/", include("smartqueue.api.tenant_urls")),
]

tenant_patterns = [
    path("", account_views.tenant_home, name="tenant_home"),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include(api_patterns)),
    path("t/<slug:tenant_slug>/", include(tenant_patterns)),
]
