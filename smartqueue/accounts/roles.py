"""Roles and the API scopes they grant: the one place where this rule lives."""

from smartqueue.accounts.models import Membership, Role

SCOPES = (
    "read:queue",
    "write:queue",
    "manage:queue",
    "read:ticket",
    "write:ticket",
    "manage:ticket",
    "read:agent",
    "manage:agent",
    "read:customer",
    "write:customer",
    "read:reports",
    "read:feedback",
    "manage:settings",
    "send:notification",
)

ROLE_SCOPES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(SCOPES),
    Role.MANAGER: frozenset(SCOPES) - {"manage:settings"},
    Role.AGENT: frozenset(
        {"read:queue", "write:queue", "read:ticket", "write:ticket", "read:customer", "read:agent"}
    ),
}


def membership_for(user, tenant) -> Membership | None:
    if not user.is_authenticated or tenant is None:
        return None
    return Membership.objects.filter(user=user, tenant=tenant, is_active=True).first()


def has_scope(membership: Membership | None, scope: str) -> bool:
    return membership is not None and scope in ROLE_SCOPES[membership.role]


def roles_granted_by(membership: Membership | None) -> tuple[str, ...]:
    """Which roles a member may give, change or take away: admins all, managers agents only."""
    if membership is None:
        return ()
    if membership.role == Role.ADMIN:
        return (Role.ADMIN, Role.MANAGER, Role.AGENT)
    if membership.role == Role.MANAGER:
        return (Role.AGENT,)
    return ()
