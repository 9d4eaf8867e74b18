"""Project date formats (``FORMAT_MODULE_PATH``), over Django's per-locale ones.

Only what differs from Django is here; every other format falls back to
``django.conf.locale``."""
