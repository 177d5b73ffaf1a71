"""Channel group names: always the schema first, so tenants never share a group."""

import hashlib


def display_group(schema: str, site_id, language: str, layout: str, shown=()) -> str:
    """Displays hear the board in their own language and layout, for the queues they show
    (`shown`, sorted ids; empty: all of the site's, named by a digest to keep names short)."""
    queues = hashlib.sha256("|".join(shown).encode()).hexdigest()[:16] if shown else "all"
    return f"{schema}.display.{site_id}.{language}.{layout}.{queues}"


def counter_group(schema: str, site_id, language: str) -> str:
    """Agents hear the waiting lists in the language they chose for their pages."""
    return f"{schema}.counter.{site_id}.{language}"


def dashboard_group(schema: str) -> str:
    """Managers' dashboards hear every site of the tenant: the site tabs show each one's count."""
    return f"{schema}.dashboard"


def kiosk_group(schema: str, site_id) -> str:
    return f"{schema}.kiosk.{site_id}"


def queue_tick_group(schema: str, queue_id) -> str:
    return f"{schema}.tick.{queue_id}"


def device_link_group(schema: str, secret: str) -> str:
    """The sockets opened with one display's or kiosk's link (named by a digest of the secret:
    group names are not secret). Renewing the link closes them (devices.revoke)."""
    return f"{schema}.link.{hashlib.sha256(secret.encode()).hexdigest()[:40]}"


def agent_group(schema: str, user_id) -> str:
    """Every counter tab of one agent: they follow the agent's own desk."""
    return f"{schema}.agent.{user_id}"


def session_group(session_key: str) -> str:
    """The staff sockets opened with one sign-in (sessions live in the public schema): closed
    when it signs out."""
    return f"public.session.{session_key}"


def schema_of(group: str) -> str:
    return group.partition(".")[0]
