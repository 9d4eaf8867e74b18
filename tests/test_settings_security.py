"""Production settings pass `check --deploy` with no warning and refuse to start
without a secret key; the public site sends a strict Content-Security-Policy."""

import pytest

from tests.processes import manage


def test_check_deploy_is_clean():
    from certificates.keys import generate_pem

    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        KALANSO_SIGNING_KEY=generate_pem(),  # credentials are signed (certificates)
        BASE_URL="https://kalanso.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_the_base_url_is_not_https():
    from certificates.keys import generate_pem

    result = manage(
        "check",
        "--deploy",
        KALANSO_SIGNING_KEY=generate_pem(),
        BASE_URL="http://kalanso.example.org:8000",
    )
    assert "certificates.W001" in result.stdout + result.stderr
    assert "http://kalanso.example.org:8000" in result.stdout + result.stderr


def test_secret_key_required_when_debug_off():
    result = manage("check", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_public_pages_send_csp_without_inline_scripts(client, course):
    response = client.get(course.url)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    assert "<script>" not in html and "<script " not in html and "style=" not in html
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_admin_is_exempt_from_public_csp(admin_client):
    response = admin_client.get("/admin/")
    assert "Content-Security-Policy" not in response


@pytest.mark.django_db
def test_page_preview_may_be_framed_by_the_admin_only(admin_client, lessons):
    """The editor's preview panel is an iframe of the admin: the preview
    response allows the site's own origin as a frame ancestor, and only it."""
    lesson = lessons[0]
    url = f"/admin/pages/{lesson.pk}/edit/preview/"
    edit = admin_client.get(f"/admin/pages/{lesson.pk}/edit/")
    assert edit.status_code == 200
    form = {
        "title": "Leçon en aperçu",
        "slug": lesson.slug,
        "summary": "",
        "duration_minutes": "15",
        "body-count": "0",
    }
    posted = admin_client.post(url, form)
    assert posted.json()["is_valid"] is True, posted.content
    preview = admin_client.get(url, {"in_preview_panel": "true"})
    assert "Leçon en aperçu" in preview.content.decode()
    policy = preview["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert "'none'" not in policy.split("frame-ancestors")[1].split(";")[0]
    assert "script-src 'self'" in policy  # the rest of the policy stays strict
    assert preview["X-Frame-Options"] == "SAMEORIGIN"

    # The published lesson itself still refuses every frame.
    public = admin_client.get(lesson.url)
    assert "frame-ancestors 'none'" in public["Content-Security-Policy"]
    assert public["X-Frame-Options"] == "DENY"
