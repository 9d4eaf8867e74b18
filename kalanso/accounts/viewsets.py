from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .admin_forms import KalansoUserCreationForm, KalansoUserEditForm


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return KalansoUserEditForm if for_update else KalansoUserCreationForm
