"""Stable, language-independent URLs: the short verification link printed on
paper and in the QR code, and what verifiers and wallets fetch — the issuer
profile, the public key (JWK and JWK Set), the revocation status list and
each signed credential."""

from django.urls import path, re_path

from .views import public

CODE = r"(?P<code>[A-Za-z0-9_-]{4,64})"

urlpatterns = [
    re_path(rf"^v/{CODE}$", public.short_link, name="certificate_short"),
    path("credentials/issuer", public.issuer, name="certificate_issuer"),
    path("credentials/jwks.json", public.jwks, name="certificate_jwks"),
    path("credentials/keys/<str:thumbprint>", public.key, name="certificate_key"),
    path(
        "credentials/status/<id:list_id>",
        public.status_list,
        name="certificate_status_list",
    ),
    re_path(
        rf"^credentials/{CODE}\.jwt$",
        public.credential_jwt,
        name="certificate_public_jwt",
    ),
]
