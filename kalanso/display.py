"""Numbers and durations written for people, in the reader's language: no
useless zeros, the language's decimal mark, plural forms through gettext."""

import math
from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import gettext, ngettext


def decimal_text(value, places=None) -> str:
    """``Decimal("2015.000000")`` → "2015"; ``"2.50"`` → "2,5" in French.
    ``places`` rounds first. Text that is not a number is returned as is."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    if number == 0:
        number = Decimal(0)  # no "-0", no "0E-6"
    return formats.number_format(Decimal(format(number.normalize(), "f")))


def duration_text(seconds) -> str:
    """A duration in minutes and seconds: "1 minute", "2 minutes 5 seconds",
    "45 seconds". Part of a second counts as a whole one (a timer never says
    0 while time is left)."""
    total = max(0, math.ceil(seconds))
    minutes, rest = divmod(total, 60)
    minutes_text = ngettext("%(count)s minute", "%(count)s minutes", minutes) % {
        "count": formats.number_format(minutes)
    }
    seconds_text = ngettext("%(count)s second", "%(count)s seconds", rest) % {
        "count": formats.number_format(rest)
    }
    if minutes and rest:
        # Translators: a duration, e.g. "2 minutes 5 seconds".
        return gettext("%(minutes)s %(seconds)s") % {
            "minutes": minutes_text,
            "seconds": seconds_text,
        }
    return minutes_text if minutes else seconds_text
