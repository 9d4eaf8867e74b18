from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import ScormPackageForm
from .models import ScormPackage


class ScormPackageViewSet(SnippetViewSet):
    model = ScormPackage
    icon = "media"
    menu_label = _("SCORM packages")
    add_to_admin_menu = True
    list_display = ["title", "version", "file_count", "uploaded_at"]
    search_fields = ["title"]
    search_backend_name = None
    edit_handler = ObjectList(
        [FieldPanel("upload"), FieldPanel("title")], base_form_class=ScormPackageForm
    )


register_snippet(ScormPackageViewSet)
