from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.cache import never_cache

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from kalanso.search import views as search_views
from offline.views import service_worker
from trainers.views.feedback import feedback_short


@never_cache
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The offline layer's service worker: at the root, to control every page.
    path("sw.js", service_worker, name="service_worker"),
    # The short feedback link trainers show at the end of a session (QR code).
    path("f/<str:token>", feedback_short, name="feedback_short"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("certificates.urls_public")),
    path("api/v1/", include("reporting.api_urls")),
    # On SCORM_CONTENT_ORIGIN only (scorm.middleware).
    path("scorm/", include("scorm.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("search/", search_views.search, name="search"),
    path("accounts/", include("kalanso.accounts.urls")),
    path("learn/", include("courses.urls")),
    path("quiz/", include("assessments.urls")),
    path("trainers/", include("trainers.urls")),
    path("certificates/", include("certificates.urls")),
    path("reporting/", include("reporting.urls")),
    path("offline/", include("offline.urls")),
    # People's rights kept the paths they had when reporting held them.
    path("reporting/", include("privacy.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

# The database unreachable: 503 "try again" (kalanso/errors.py), else the 500 page.
handler500 = "kalanso.errors.server_error"
