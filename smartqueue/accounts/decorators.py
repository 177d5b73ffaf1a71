"""Page access: the tenant comes from the path, the member from the session."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from smartqueue.accounts.roles import membership_for


def member_required(*roles: str):
    """Anonymous: sign-in page. Signed in but not a member (or wrong role): 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, tenant_slug: str, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = membership_for(request.user, request.tenant)
            if membership is None:
                raise PermissionDenied(_("Vous n'êtes pas membre de cette organisation."))
            if roles and membership.role not in roles:
                raise PermissionDenied(_("Votre rôle ne donne pas accès à cette page."))
            request.membership = membership
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
