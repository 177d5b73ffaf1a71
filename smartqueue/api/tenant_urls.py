"""Endpoints of one tenant: under /api/v1/tenants/<slug>/ (the tenant is set by the middleware
from the path) and, for older clients, under /api/v1/ with the X-Tenant header."""

from django.urls import path

from smartqueue.api import actions, resources

urlpatterns = [
    path("sites/", resources.sites, name="api_sites"),
    path("sites/<str:pk>/", resources.site_detail, name="api_site"),
    path("counters/", resources.counter_list, name="api_counters"),
    path("queues/services/", resources.service_list, name="api_services"),
    path("queues/services/<str:pk>/", resources.service_detail, name="api_service"),
    path("queues/", resources.queue_list, name="api_queues"),
    path("queues/<str:pk>/", resources.queue_detail, name="api_queue"),
    path("queues/<str:pk>/stats/", resources.queue_stats, name="api_queue_stats"),
    path("queues/<str:pk>/set_status/", resources.queue_set_status, name="api_queue_set_status"),
    path("customers/", resources.customer_list, name="api_customers"),
    path("customers/<str:pk>/", resources.customer_detail, name="api_customer"),
    path("tickets/", resources.ticket_list, name="api_tickets"),
    path("tickets/appointments/", resources.appointment_list, name="api_appointments"),
    path("tickets/appointments/slots/", resources.appointment_slots, name="api_appointment_slots"),
    path("tickets/<str:pk>/", resources.ticket_detail, name="api_ticket"),
    path("tickets/<str:pk>/start_service/", actions.start_service, name="api_ticket_start"),
    path("tickets/<str:pk>/close/", actions.close, name="api_ticket_close"),
    path("tickets/<str:pk>/recall/", actions.recall, name="api_ticket_recall"),
    path("tickets/<str:pk>/transfer/", actions.transfer, name="api_ticket_transfer"),
    path("tickets/<str:pk>/pause/", actions.pause, name="api_ticket_pause"),
    path("tickets/<str:pk>/resume/", actions.resume, name="api_ticket_resume"),
    path("tickets/<str:pk>/mark_no_show/", actions.mark_no_show, name="api_ticket_no_show"),
    path("tickets/<str:pk>/cancel/", actions.cancel, name="api_ticket_cancel"),
    path("webhooks/", resources.webhook_list, name="api_webhooks"),
    path("webhooks/<str:pk>/", resources.webhook_detail, name="api_webhook"),
    path("agents/", actions.agent_status, name="api_agent"),
    path("agents/call-next/", actions.call_next, name="api_call_next"),
    path("agents/set-status/", actions.set_status, name="api_agent_set_status"),
]
