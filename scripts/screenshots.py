"""Take the README's screenshots: one per role, on the demo content.

    .venv/bin/python scripts/screenshots.py

Builds a throw-away SQLite database in a temporary directory (``migrate``,
``seed_demo``, ``seed_demo_cascade``), serves it with ``runserver`` on
127.0.0.1:8651, logs in as each demo account with Playwright driving
Debian's Chromium (headless) and writes optimised PNGs to
``docs/screenshots/``. Nothing outside the temporary directory and
``docs/screenshots/`` is touched. Not part of the test suite.
"""

import io
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
OUT_DIR = BASE_DIR / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PORT = int(os.environ.get("KALANSO_SCREENSHOTS_PORT", "8651"))
BASE_URL = f"http://127.0.0.1:{PORT}"
PASSWORD = "kalanso-demo"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
# Each PNG should stay under this size; the palette shrinks until it does.
MAX_BYTES = 120_000


def manage(*args, env):
    subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def wait_for_server(process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("runserver stopped before answering")
        try:
            with urllib.request.urlopen(f"{BASE_URL}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"runserver did not answer on {BASE_URL} in {timeout} s")


def save_png(png_bytes, name):
    """Write the screenshot as a palette PNG, with fewer colours until it fits."""
    from PIL import Image

    image = Image.open(io.BytesIO(png_bytes)).convert("RGB")
    for colours in (256, 128, 64, 32):
        buffer = io.BytesIO()
        image.quantize(colors=colours, dither=Image.Dither.NONE).save(
            buffer, "PNG", optimize=True
        )
        if buffer.tell() <= MAX_BYTES:
            break
    path = OUT_DIR / name
    path.write_bytes(buffer.getvalue())
    print(
        f"{path.relative_to(BASE_DIR)}: {buffer.tell() // 1024} KB, {colours} colours"
    )


def targets():
    """Look up, in the seeded database, the pages worth showing."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from courses.models import CoursePage, LessonPage
    from trainers.models import CascadeSession

    lesson = next(
        page
        for page in LessonPage.objects.live().specific().order_by("path")
        if any(block.block_type == "sorting_exercise" for block in page.body)
    )
    trainer = get_user_model().objects.get(email="formateur@kalanso.test")
    held = CascadeSession.objects.get(
        lead_trainer=trainer, status=CascadeSession.Status.HELD
    )
    # Computed here: Django refuses ORM calls once Playwright's loop runs.
    from django.utils import translation

    course = CoursePage.objects.ancestor_of(lesson).get()
    with translation.override("en"):
        return {
            "course_url": course.url,
            "lesson_url": lesson.url,
            "lesson_pk": lesson.pk,
            "course_pk": course.pk,
            "session_pk": held.pk,
        }


def login(context, email, lang="en"):
    page = context.new_page()
    page.goto(f"/{lang}/accounts/login/")
    form = page.locator('main form[method="post"]')
    form.locator('input[name="username"]').fill(email)
    form.locator('input[name="password"]').fill(PASSWORD)
    form.locator('[type="submit"]').click()
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        raise SystemExit(f"could not log in as {email}")
    return page


def shoot(browser, found):
    lesson_url = found["lesson_url"]
    session = found["session_pk"]

    def context(viewport):
        made = browser.new_context(
            base_url=BASE_URL, viewport=viewport, locale="en-GB", device_scale_factor=1
        )
        made.set_default_timeout(15_000)
        return made

    # Trainee, on a phone: enrols in the course, opens a lesson with its
    # sorting exercise, then "My learning".
    trainee = context(PHONE)
    page = login(trainee, "apprenant@kalanso.test")
    page.goto(found["course_url"])
    page.locator('main form[action$="/enrol/"] button').click()
    page.wait_for_load_state()
    page.goto(lesson_url)
    page.locator("main fieldset").first.scroll_into_view_if_needed()
    page.evaluate("() => window.scrollBy(0, -80)")
    save_png(page.screenshot(), "trainee-lesson-phone.png")
    page.goto("/en/learn/")
    save_png(page.screenshot(), "trainee-my-learning-phone.png")
    trainee.close()

    # Trainer, on a desktop: the session held in Mopti; then the report is
    # written and submitted, so that the master trainer has one to review.
    trainer = context(DESKTOP)
    page = login(trainer, "formateur@kalanso.test")
    page.goto(f"/en/trainers/sessions/{session}/")
    save_png(page.screenshot(), "trainer-session-desktop.png")
    page.goto(f"/en/trainers/sessions/{session}/report/")
    page.locator('main textarea[name="narrative"]').fill(
        "Two days with 18 participants from Mopti's women's associations and "
        "youth groups. The context analysis and the connectors-and-dividers "
        "exercise went well; the post-test shows a clear knowledge gain."
    )
    page.locator('button[name="action"][value="submit"]').click()
    page.wait_for_load_state()
    trainer.close()

    # Master trainer, on a phone: the reports waiting for review.
    master = context(PHONE)
    page = login(master, "maitre-formateur@kalanso.test")
    page.goto("/en/trainers/sessions/to-review/")
    save_png(page.screenshot(), "master-trainer-reviews-phone.png")
    master.close()

    # Programme manager, on a desktop: the dashboard.
    manager = context(DESKTOP)
    page = login(manager, "gestionnaire@kalanso.test")
    page.goto("/en/reporting/")
    # The map, with its heading above it.
    page.locator("main svg").first.evaluate(
        "map => window.scrollTo(0, map.getBoundingClientRect().top + window.scrollY - 110)"
    )
    save_png(page.screenshot(), "manager-dashboard-desktop.png")
    manager.close()

    # Editor, on a desktop: Wagtail's editor on the same lesson.
    editor = context(DESKTOP)
    page = login(editor, "editeur@kalanso.test")
    page.goto(f"/admin/pages/{found['lesson_pk']}/edit/")
    page.wait_for_load_state("networkidle")
    save_png(page.screenshot(), "editor-lesson-desktop.png")
    editor.close()


def main():
    from playwright.sync_api import sync_playwright

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kalanso-screenshots-") as tmp:
        tmp = Path(tmp)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kalanso.settings.dev",
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            "MEDIA_ROOT": str(tmp / "media"),
            "PRIVATE_MEDIA_ROOT": str(tmp / "private_media"),
            "KALANSO_GENERATION_FILE": str(tmp / "page-cache-generation"),
            "REDIS_URL": "",
        }
        for args in (("migrate",), ("seed_demo",), ("seed_demo_cascade",)):
            print("manage.py", *args)
            manage(*args, env=env)
        os.environ.update(env)
        sys.path.insert(0, str(BASE_DIR))
        found = targets()
        server = subprocess.Popen(
            [
                sys.executable,
                str(BASE_DIR / "manage.py"),
                "runserver",
                f"127.0.0.1:{PORT}",
                "--noreload",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_server(server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM,
                    headless=True,
                    args=["--no-sandbox", "--disable-gpu"],
                )
                try:
                    shoot(browser, found)
                finally:
                    browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    total = sum(path.stat().st_size for path in OUT_DIR.glob("*.png"))
    print(f"total: {total // 1024} KB in {OUT_DIR.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
