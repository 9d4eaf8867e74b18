from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "kalanso.home"
    label = "home"
    verbose_name = _("Home and site pages")

    def ready(self):
        from wagtail.models import Site

        from kalanso.generation import cached_fragment

        from . import signals  # noqa: F401

        # Wagtail reads the site root paths from the cache to build page URLs
        # (a round trip to Redis per request) and clears them in the process
        # that saves a Site only. Kept as a fragment instead: in the process,
        # under the page-cache generation, which saving a Site or publishing
        # changes everywhere (kalanso.home.signals).
        wagtail_site_root_paths = Site.get_site_root_paths

        def get_site_root_paths():
            return cached_fragment("site-root-paths", wagtail_site_root_paths)

        Site.get_site_root_paths = staticmethod(get_site_root_paths)
