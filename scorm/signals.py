from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import ScormPackage
from .services import package_files_delete


@receiver(post_delete, sender=ScormPackage)
def remove_package_files(sender, instance, **kwargs):
    transaction.on_commit(lambda: package_files_delete(instance))
