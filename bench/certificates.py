"""Certificates benchmark: PDFs per second and a session's batch of 100.

    .venv/bin/python -m bench.certificates [--pdfs 200] [--batch 100] [--batches 5]

Builds a throw-away database (SQLite in a temp dir, or DATABASE_URL to bench
PostgreSQL — the database named there is used as is, so point it at a scratch
database) with the programme's and a partner's logos in the site settings, a
course certificate for one trainee and a validated cascade session with
``--batch`` participants who attended (certificates of attendance issued),
then measures in one process, through Django's full request stack with
production settings and a generated signing key:

    trivial        GET /healthz                              (the floor)
    verify         the public verification page of a certificate
    VC-JWT         the holder downloads the signed Open Badges credential
    PDF            the holder downloads their certificate (A4, QR code, logos)
    batch PDF      the lead trainer prints the session's certificates

It prints each one's throughput, its ratio to the trivial view and its SQL
queries per request, then the time to print the batch and its size.
"""

import argparse
import io
import statistics
import time
from datetime import timedelta

from bench.common import log, measure, table, throwaway_site


def logo(colour, size, title):
    from django.core.files.images import ImageFile

    from wagtail.images import get_image_model

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name=f"{title}.png")
    )


def build(batch: int):
    from django.utils import timezone

    from wagtail.models import Site

    from certificates import issuance
    from certificates.models import Credential
    from courses.factories import course_with_lessons, user_with_role
    from courses.models import LessonPage
    from courses.services import lesson_complete
    from kalanso.accounts import roles
    from kalanso.home.models import SiteSettings
    from trainers import factories
    from trainers.models import Attendance, CascadeSession, Participant, TrainerProfile

    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.programme_name = "Programme Kalanso de formation (bench)"
    settings.programme_logo = logo("#9a3412", (600, 240), "programme")
    settings.partner_logo = logo("#1d4ed8", (300, 300), "partner")
    settings.save()

    course = course_with_lessons(lessons=2, title="Sensibilité aux conflits (bench)")
    trainee = user_with_role("bench-trainee@example.org", roles.TRAINEE)
    for lesson in LessonPage.objects.live().descendant_of(course):
        lesson_complete(user=trainee, lesson=lesson, course=course)
    credential = issuance.course_credential_issue(
        user_id=trainee.pk, course_key=course.translation_key
    )

    lead = factories.trainer("bench-lead@example.org", TrainerProfile.Level.CERTIFIED)
    start = timezone.localdate() - timedelta(days=10)
    session = factories.session(
        course, lead, status=CascadeSession.Status.HELD, start=start, days=3
    )
    people = Participant.objects.bulk_create(
        Participant(
            session=session,
            full_name=f"Participante Bench {n:03d} Traoré",
            sex="f" if n % 2 else "m",
            source=Participant.Source.TRAINER,
        )
        for n in range(batch)
    )
    Attendance.objects.bulk_create(
        Attendance(participant=person, day=day, present=True)
        for person in people
        for day in session.days
    )
    CascadeSession.objects.filter(pk=session.pk).update(
        status=CascadeSession.Status.VALIDATED
    )
    issued = issuance.attendance_credentials_issue(session_id=session.pk)
    assert len(issued) == batch, len(issued)
    assert Credential.objects.filter(session=session).count() == batch
    return trainee, credential, lead, session


def run(args):
    import logging

    logging.getLogger("kalanso.audit").setLevel(logging.WARNING)  # one line a print
    from django.test import Client
    from django.urls import reverse

    import pypdf

    log(f"Building a course certificate and a session of {args.batch}…")
    started = time.perf_counter()
    trainee, credential, lead, session = build(args.batch)
    log(f"  built in {time.perf_counter() - started:.1f} s")

    anonymous = Client()
    holder = Client()
    holder.force_login(trainee)
    trainer = Client()
    trainer.force_login(lead)

    verify_url = reverse("certificates:verify", args=[credential.code])
    jwt_url = reverse("certificates:jwt", args=[credential.pk])
    pdf_url = reverse("certificates:pdf", args=[credential.pk])
    batch_url = reverse("certificates:session_pdf", args=[session.pk])
    addresses = iter(
        f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in range(10**7)
    )

    def get(client, url, expected=200, **extra):
        response = client.get(url, secure=True, **extra)
        assert response.status_code == expected, (url, response.status_code)
        return response

    # Warm up: fonts, logo renditions, caches.
    for url in (pdf_url, jwt_url):
        get(holder, url)
    get(anonymous, verify_url, REMOTE_ADDR=next(addresses))
    get(trainer, batch_url)

    cases = [
        ("trivial view /healthz", args.trivial, lambda: get(anonymous, "/healthz")),
        (
            "verification page",
            args.pdfs,
            # One address per lookup: the rate limit is per visitor.
            lambda: get(anonymous, verify_url, REMOTE_ADDR=next(addresses)),
        ),
        ("VC-JWT download (EdDSA)", args.pdfs, lambda: get(holder, jwt_url)),
        ("certificate PDF", args.pdfs, lambda: get(holder, pdf_url)),
    ]
    rows = []
    for label, repeat, call in cases:
        durations, queries = measure(call, repeat)
        rows.append((label, len(durations) / sum(durations), queries))

    batch_times, batch_queries = measure(lambda: get(trainer, batch_url), args.batches)
    pdf = get(trainer, batch_url).content
    page_count = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert page_count == args.batch, page_count

    floor = rows[0][1]
    median = statistics.median(batch_times)
    log()
    table(
        ["operation", "per second", "ratio vs trivial", "queries"],
        [
            [label, f"{rate:.1f}", f"{rate / floor:.2%}", queries]
            for label, rate, queries in rows
        ]
        + [
            [
                f"batch PDF, {args.batch} certificates",
                f"{1 / median:.2f}",
                f"{1 / median / floor:.2%}",
                batch_queries,
            ]
        ],
    )
    log()
    single = rows[3][1]
    log(
        f"Batch of {args.batch}: median {median:.2f} s "
        f"(best {min(batch_times):.2f} s of {args.batches}), "
        f"{args.batch / median:.0f} pages/s, {len(pdf) / 1024:.0f} KiB "
        f"({len(pdf) / 1024 / args.batch:.1f} KiB a page); "
        f"one certificate alone: {1000 / single:.1f} ms, {single / floor:.1%} of the floor."
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pdfs", type=int, default=200)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--trivial", type=int, default=2000)
    args = parser.parse_args()
    from certificates.keys import generate_pem

    # Pages link their CSS and images by hashed names: collect them.
    with throwaway_site(collectstatic=True, KALANSO_SIGNING_KEY=generate_pem()):
        run(args)


if __name__ == "__main__":
    main()
