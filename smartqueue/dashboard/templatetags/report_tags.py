from django import template

register = template.Library()


@register.filter
def multiply(value, factor) -> int:
    return int(value) * int(factor)


@register.simple_tag
def heat_cell(report, weekday: int, hour: int) -> int:
    return report.heatmap.get((weekday, hour), 0)


@register.simple_tag
def heat_opacity(count: int, maximum: int) -> str:
    """Empty hours stay faintly visible; the busiest is solid."""
    return f"{0.06 + 0.94 * count / maximum:.2f}" if maximum else "0.06"
