from django.templatetags.static import static
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from smartqueue.accounts import staff_views
from smartqueue.accounts import views as account_views
from smartqueue.api.api import LEGACY as API_LEGACY
from smartqueue.api.api import PATTERNS as API_PATTERNS
from smartqueue.api.api import named as api_view
from smartqueue.dashboard import audit_views, report_views, settings_views
from smartqueue.dashboard import views as dashboard_views
from smartqueue.devices import views as device_views
from smartqueue.notifications import views as notification_views
from smartqueue.queues import booking_views, ticket_views
from smartqueue.queues import views as queue_views

api_patterns: list[URLPattern | URLResolver] = [
    *API_PATTERNS,
    # Older clients name the tenant in the X-Tenant header (TenantFromPathMiddleware).
    path("", include((API_LEGACY, "legacy"))),
]

tenant_patterns = [
    path("", account_views.tenant_home, name="tenant_home"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/past-sla/", dashboard_views.past_sla_list, name="dashboard_past_sla"),
    path("audit/", audit_views.audit_trail, name="audit"),
    path("reports/", report_views.reports, name="reports"),
    path("staff/", staff_views.staff, name="staff"),
    path("staff/<int:membership_id>/", staff_views.change_member, name="staff_change"),
    path("settings/", settings_views.settings_index, name="settings_index"),
    path("settings/organisation/", settings_views.organisation, name="settings_organisation"),
    path("settings/<str:section>/", settings_views.settings_list, name="settings_list"),
    path("settings/<str:section>/new/", settings_views.settings_edit, name="settings_create"),
    path("settings/<str:section>/<uuid:pk>/", settings_views.settings_edit, name="settings_edit"),
    path(
        "settings/queues/<uuid:pk>/status/",
        settings_views.queue_status,
        name="settings_queue_status",
    ),
    path(
        "settings/<str:section>/<uuid:pk>/secret/",
        settings_views.new_device_secret,
        name="settings_device_secret",
    ),
    path(
        "settings/<str:section>/<uuid:pk>/link/",
        settings_views.device_qr,
        name="settings_device_qr",
    ),
    path("counter/", queue_views.counter_page, name="counter"),
    path("counter/<str:action>/", queue_views.counter_action, name="counter_action"),
    path("ticket/<uuid:ticket_id>/", ticket_views.ticket_page, name="ticket"),
    path("ticket/<uuid:ticket_id>/cancel/", ticket_views.cancel_ticket, name="ticket_cancel"),
    path("ticket/<uuid:ticket_id>/feedback/", ticket_views.give_feedback, name="ticket_feedback"),
    path("display/<str:secret>/", device_views.display_page, name="display"),
    path(
        "<str:kind>/<str:secret>/heartbeat/",
        device_views.heartbeat,
        name="device_heartbeat",
    ),
    path(
        "notifications/twilio-status/",
        notification_views.twilio_status,
        name="twilio_status",
    ),
    path("book/", booking_views.book, name="book"),
    path("book/<uuid:appointment_id>/", booking_views.booking, name="booking"),
    path(
        "book/<uuid:appointment_id>/cancel/",
        booking_views.cancel_booking,
        name="booking_cancel",
    ),
    path("kiosk/<str:secret>/", device_views.kiosk_page, name="kiosk"),
    path("kiosk/<str:secret>/ticket/", device_views.kiosk_ticket, name="kiosk_ticket"),
    path("kiosk/<str:secret>/check-in/", device_views.kiosk_check_in, name="kiosk_check_in"),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    # Pages without the icon link (errors, API docs) still get one, not a 404 per visit.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("accounts/", include("allauth.urls")),
    path("language/", set_language, name="set_language"),
    path("api/v1/", include((api_patterns, "api"))),
    path("api/schema/", api_view("openapi-json")),
    path("api/docs/", api_view("openapi-view")),
    path("t/<slug:tenant_slug>/", include(tenant_patterns)),
]

handler500 = "smartqueue.views.server_error"
