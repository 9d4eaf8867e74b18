"""Load the demonstration content: pages in French and English, glossary terms,
organisations and one account per role.

Idempotent: whatever already exists (pages by slug under their parent, English
versions by translation key, users by e-mail, organisations by name) is left
alone. The content itself lives in ``courses/demo_content.py``.
"""

import datetime
import uuid
from collections import Counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from wagtail.documents import get_document_model
from wagtail.models import Locale, Site

from assessments.demo_content import seed_quizzes
from courses import demo_content as content
from courses.models import (
    Audience,
    CourseIndexPage,
    CoursePage,
    GlossaryTerm,
    LessonPage,
    ModulePage,
    ResourceIndexPage,
    ResourcePage,
    Theme,
)
from kalanso.accounts.models import Organisation, Region
from kalanso.home.models import SiteSettings, StandardPage
from kalanso.middleware import invalidate_page_cache


class Command(BaseCommand):
    help = "Create demonstration courses, resources and one account per role (development only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is False (never on a production site).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a publicly known password and runs only "
                "when DEBUG is True. Use --force to run it anyway (never in production)."
            )
        self.created = Counter()
        with transaction.atomic():
            self.fr = Locale.objects.get(language_code="fr")
            self.en, _ = Locale.objects.get_or_create(language_code="en")
            site = Site.objects.get(is_default_site=True)
            home = site.root_page.specific
            self.seed_home(home)
            term_ids = self.seed_glossary()
            course_index = self.ensure_page(
                home, CourseIndexPage, **content.COURSE_INDEX
            )
            for course in content.COURSES:
                self.seed_course(course_index, course, term_ids)
            resource_index = self.ensure_page(
                home, ResourceIndexPage, **content.RESOURCE_INDEX
            )
            for resource in content.RESOURCES:
                self.seed_resource(resource_index, resource)
            privacy = self.ensure_page(home, StandardPage, **content.PRIVACY_PAGE)
            site_settings = SiteSettings.for_site(site)
            if site_settings.privacy_page_id is None:
                site_settings.privacy_page = privacy
                site_settings.save()
            organisations = self.seed_organisations()
            self.seed_accounts(organisations)
            self.seed_assessments()
        invalidate_page_cache()
        self.report()

    # --- Pages ------------------------------------------------------------------

    def ensure_page(self, parent, model, fr, en, common=None, m2m=None):
        """The French page under ``parent`` with ``fr["slug"]`` and its English version,
        each created, with its many-to-many values, and published if missing."""
        common, m2m = common or {}, m2m or {}
        page = model.objects.child_of(parent).filter(slug=fr["slug"]).first()
        if page is None:
            page = model(live=False, **common, **fr)
            parent.add_child(instance=page)
            self.publish(page, m2m)
        if page.get_translation_or_none(self.en) is None:
            translation = page.copy_for_translation(
                self.en, copy_parents=True, alias=False
            )
            for name, value in en.items():
                setattr(translation, name, value)
            self.publish(translation, m2m)
        return page

    def publish(self, page, m2m):
        for name, values in m2m.items():
            getattr(page, name).set(values)
        page.save_revision().publish()
        self.created["pages"] += 1

    def seed_home(self, home):
        if not home.intro:
            home.tagline = content.HOME["fr"]["tagline"]
            home.intro = content.HOME["fr"]["intro"]
            home.save_revision().publish()
            self.created["home page text"] += 1
        if home.get_translation_or_none(self.en) is None:
            translation = home.copy_for_translation(
                self.en, copy_parents=True, alias=False
            )
            for name, value in content.HOME["en"].items():
                setattr(translation, name, value)
            self.publish(translation, {})

    def seed_course(self, course_index, spec, term_ids):
        audiences = Audience.objects.all()
        if spec["audiences"] != "all":
            audiences = audiences.filter(code__in=spec["audiences"])
        common = {
            key: spec[key]
            for key in ("level", "duration_hours", "is_public", "is_trainer_track")
        }
        course = self.ensure_page(
            course_index,
            CoursePage,
            spec["fr"],
            spec["en"],
            common,
            {"audiences": list(audiences)},
        )
        for module_spec in spec["modules"]:
            module = self.ensure_page(
                course, ModulePage, module_spec["fr"], module_spec["en"]
            )
            for lesson in module_spec["lessons"]:
                fr, en = (
                    {
                        **lesson[lang],
                        "body": content.stream_data(
                            lesson["key"], lesson["body"], lang, term_ids[lang]
                        ),
                    }
                    for lang in ("fr", "en")
                )
                self.ensure_page(
                    module, LessonPage, fr, en, {"duration_minutes": lesson["minutes"]}
                )

    def seed_resource(self, resource_index, spec):
        Document = get_document_model()
        doc_spec = spec["document"]
        document = Document.objects.filter(title=doc_spec["title"]).first()
        if document is None:
            data = doc_spec["content"].encode()
            document = Document.objects.create(
                title=doc_spec["title"],
                file=ContentFile(data, name=doc_spec["filename"]),
                file_size=len(data),
            )
            self.created["documents"] += 1
        common = {
            "document": document,
            "region": Region.objects.get(code=spec["region"]),
            "publisher": spec["publisher"],
            "published_on": datetime.date.fromisoformat(spec["published_on"]),
        }
        themes = list(Theme.objects.filter(code__in=spec["themes"]))
        self.ensure_page(
            resource_index,
            ResourcePage,
            spec["fr"],
            spec["en"],
            common,
            {"themes": themes},
        )

    def seed_assessments(self):
        """Pre/post tests (parallel forms) on the public course, and a knowledge
        check in its connectors-and-dividers lesson, in both languages."""
        quizzes = seed_quizzes()
        slug = content.COURSE_FUNDAMENTALS["fr"]["slug"]
        french = CoursePage.objects.filter(slug=slug, locale=self.fr).first()
        if french is None:
            return
        for course in [french, french.get_translation_or_none(self.en)]:
            if course is None:
                continue
            language = course.locale.language_code
            if course.pre_test_id is None:
                course.pre_test = quizzes[("pre", language)]
                course.post_test = quizzes[("post", language)]
                course.parallel_forms = True
                course.save_revision().publish()
                self.created["course tests"] += 1
            lesson = next(
                (
                    page
                    for page in LessonPage.objects.descendant_of(course).order_by(
                        "path"
                    )
                    if any(
                        block["type"] == "sorting_exercise"
                        and block["value"].get("kind") == "connectors_dividers"
                        for block in page.body.raw_data
                    )
                ),
                None,
            )
            if lesson is not None and not any(
                block.block_type == "knowledge_check" for block in lesson.body
            ):
                check_id = str(
                    uuid.uuid5(content.BLOCK_NAMESPACE, "knowledge-check-connectors")
                )
                lesson.body.append(
                    (
                        "knowledge_check",
                        {"quiz": quizzes[("check", language)]},
                        check_id,
                    )
                )
                lesson.save_revision().publish()
                self.created["knowledge checks"] += 1

    # --- Snippets, organisations, accounts -----------------------------------------

    def seed_glossary(self):
        """Glossary terms in both languages; returns {language: {key: term id}}."""
        ids = {"fr": {}, "en": {}}
        for spec in content.GLOSSARY:
            term = GlossaryTerm.objects.filter(
                locale=self.fr, term=spec["fr"]["term"]
            ).first()
            if term is None:
                term = GlossaryTerm.objects.create(locale=self.fr, **spec["fr"])
                self.created["glossary terms"] += 1
            translation = term.get_translation_or_none(self.en)
            if translation is None:
                translation = term.copy_for_translation(self.en)
                for name, value in spec["en"].items():
                    setattr(translation, name, value)
                translation.save()
                self.created["glossary terms"] += 1
            ids["fr"][spec["key"]] = term.pk
            ids["en"][spec["key"]] = translation.pk
        return ids

    def seed_organisations(self):
        organisations = {}
        for name, kind in content.ORGANISATIONS:
            organisations[name], created = Organisation.objects.get_or_create(
                name=name, defaults={"type": kind}
            )
            if created:
                self.created["organisations"] += 1
        return organisations

    def seed_accounts(self, organisations):
        User = get_user_model()
        now = timezone.now()
        for spec in content.ACCOUNTS:
            if User.objects.filter(email__iexact=spec["email"]).exists():
                continue
            superuser = spec.get("superuser", False)
            user = User(
                email=spec["email"],
                full_name=spec["full_name"],
                organisation=organisations[spec["organisation"]],
                region=Region.objects.get(code=spec["region"]),
                job_title=spec["job_title"],
                preferred_language=spec["preferred_language"],
                gender=spec["gender"],
                is_active=True,
                is_staff=superuser,
                is_superuser=superuser,
                email_confirmed_at=now,
                consent_given_at=now,
            )
            user.set_password(content.DEMO_PASSWORD)
            user.save()
            if spec["group"]:
                try:
                    user.groups.add(Group.objects.get(name=spec["group"]))
                except Group.DoesNotExist as exc:
                    raise CommandError(
                        f"Group {spec['group']!r} is missing: run migrate first."
                    ) from exc
            self.created["accounts"] += 1

    # --- Output ------------------------------------------------------------------------

    def report(self):
        if self.created:
            done = ", ".join(f"{count} {what}" for what, count in self.created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo content created: {done}."))
        else:
            self.stdout.write(
                self.style.SUCCESS("Demo content already exists: nothing was created.")
            )
        self.stdout.write(
            f"\nDemo accounts (password for all: {content.DEMO_PASSWORD}):"
        )
        for spec in content.ACCOUNTS:
            self.stdout.write(
                f"  {spec['role']:<18} {spec['email']:<32} {spec['full_name']}"
            )
