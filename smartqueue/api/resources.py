"""Tenant resources of the JSON API (seeds/smartqueue-api.md)."""

from smartqueue.api.http import api_view
from smartqueue.api.pagination import paginate
from smartqueue.queues.models import Site


def site_json(site: Site) -> dict:
    return {
        "id": str(site.id),
        "name": site.name,
        "slug": site.slug,
        "address": site.address,
        "city": site.city,
        "country": site.country,
        "latitude": float(site.latitude) if site.latitude is not None else None,
        "longitude": float(site.longitude) if site.longitude is not None else None,
        "phone": site.phone,
        "timezone": site.timezone,
        "is_active": site.is_active,
    }


@api_view(("GET",), scope="read:queue")
def sites(request, data):
    return paginate(request, Site.objects.order_by("name"), site_json)
