"""Views: participants (to be written)."""

from django.http import Http404


def feedback_short(request, token):
    raise Http404


urlpatterns = []
