"""Channel group names: always the schema first, so tenants never share a group."""


def display_group(schema: str, site_id) -> str:
    return f"{schema}.display.{site_id}"


def counter_group(schema: str, site_id) -> str:
    return f"{schema}.counter.{site_id}"


def kiosk_group(schema: str, site_id) -> str:
    return f"{schema}.kiosk.{site_id}"


def queue_tick_group(schema: str, queue_id) -> str:
    return f"{schema}.tick.{queue_id}"
