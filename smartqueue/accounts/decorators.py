"""Page access: the tenant comes from the path, the member from the session."""

from functools import wraps
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from smartqueue.accounts.roles import membership_for


def member_required(*roles: str):
    """Anonymous: sign-in page. Signed in but not a member (or wrong role): 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, tenant_slug: str, **kwargs):
            if not request.user.is_authenticated:
                return sign_in_first(request)
            membership = membership_for(request.user, request.tenant)
            if membership is None:
                raise PermissionDenied(_("Vous n'êtes pas membre de cette organisation."))
            if roles and membership.role not in roles:
                raise PermissionDenied(_("Votre rôle ne donne pas accès à cette page."))
            request.membership = membership
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def sign_in_first(request):
    """To the sign-in page, then back. An htmx request (signed out in another tab) would swap
    the sign-in page into a panel: the whole page goes there instead, and comes back to the
    page the agent was on, not to the POST it made."""
    if not request.htmx:
        return redirect_to_login(request.get_full_path())
    current = urlsplit(request.htmx.current_url or "")
    back = current.path + (f"?{current.query}" if current.query else "")
    return HttpResponseClientRedirect(redirect_to_login(back or request.get_full_path()).url)
