"""Certificates pages under the language prefix (to be written)."""

app_name = "certificates"

urlpatterns = []
