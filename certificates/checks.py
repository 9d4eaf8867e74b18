"""A deployment without a signing key cannot issue verifiable credentials:
``manage.py check --deploy`` says so."""

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.core.exceptions import ImproperlyConfigured


@register(deploy=True)
def signing_key_check(app_configs, **kwargs):
    from . import keys

    try:
        pem = keys.configured_pem()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="certificates.E002")]
    if not pem:
        if getattr(settings, "KALANSO_SIGNING_KEY_AUTOGENERATE", False):
            return []
        return [
            Error(
                "No key to sign the open credentials.",
                hint=(
                    "Set KALANSO_SIGNING_KEY (an Ed25519 private key in PEM) or "
                    "KALANSO_SIGNING_KEY_FILE (a path to it). Make one with: "
                    "openssl genpkey -algorithm ed25519"
                ),
                id="certificates.E001",
            )
        ]
    try:
        keys.load_private_key(pem)
    except ImproperlyConfigured as error:
        return [Error(str(error), id="certificates.E002")]
    return []


@register(deploy=True)
def base_url_check(app_configs, **kwargs):
    """BASE_URL is the address the admin's e-mails link to; a production site
    served over plain http would also print http addresses in its QR codes."""
    base = settings.WAGTAILADMIN_BASE_URL
    if base.startswith("https://"):
        return []
    return [
        Warning(
            f"The site's public address (BASE_URL) is not https: {base}",
            hint=(
                "Set BASE_URL to the address people reach, e.g. "
                "https://kalanso.example.org, and give the default site in "
                "Settings → Sites the same host name with port 443."
            ),
            id="certificates.W001",
        )
    ]
