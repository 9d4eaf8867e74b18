"""Views: sessions (to be written)."""

urlpatterns = []
