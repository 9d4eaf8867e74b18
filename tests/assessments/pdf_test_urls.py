"""The printable-test downloads mounted on their own, next to the site's URLs
(for the login redirect), as the Wagtail admin hook will include them."""

from django.urls import include, path

from assessments import pdf_views
from kalanso.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("pdf/quiz/", include(pdf_views.urlpatterns)),
    *site_urlpatterns,
]
