from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def figure(value):
    """A cell of a report table: a count, a percentage or mean, a
    suppression marker ("<5", "x"), or a dash when there is nothing."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    if isinstance(value, float):
        return number_format(value, 1)
    return str(value)
