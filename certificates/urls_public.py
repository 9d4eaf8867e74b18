"""Stable, language-independent URLs: issuer profile, public key, status list,
short verification links (to be written)."""

urlpatterns = []
