"""Views: pool (to be written)."""

urlpatterns = []
