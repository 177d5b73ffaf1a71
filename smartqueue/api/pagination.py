"""The documented list shape: {"count", "next", "previous", "results"}; page_size at most 100."""

from django.http import QueryDict

from smartqueue.api.http import ApiError

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def positive_int(params: QueryDict, name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    # isdecimal and ASCII: "²" and "٣" are digits to str.isdigit, not to int().
    if not (raw.isascii() and raw.isdecimal()) or int(raw) < 1:
        raise ApiError(400, {"error": f"{name} doit être un entier positif."})
    return int(raw)


def page_url(request, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def paginate(request, queryset, serialize) -> dict:
    size = min(positive_int(request.GET, "page_size", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
    page = positive_int(request.GET, "page", 1)
    count = queryset.count()
    start = (page - 1) * size
    if start and start >= count:
        raise ApiError(404, {"detail": "Page invalide."})
    results = [serialize(item) for item in queryset[start : start + size]]
    return {
        "count": count,
        "next": page_url(request, page + 1) if start + size < count else None,
        "previous": page_url(request, page - 1) if page > 1 else None,
        "results": results,
    }
