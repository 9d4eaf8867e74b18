"""Signals other apps may listen to (a quiz knows nothing of who uses it)."""

from django.dispatch import Signal

# Sent once, when an attempt is scored: sender=Attempt, attempt=<Attempt>.
attempt_submitted = Signal()
