"""Demonstration content for development and trials: the site's pages and
accounts (``site``), the glossary, the resource library, one module per
course (``courses``) and the trainer cascade (``cascade``), loaded by
``manage.py seed_demo`` and ``seed_demo_cascade``.

Built on the same builders as the tests (``courses.factories``,
``assessments.factories``, ``trainers.factories``) and the apps' own
services. Demo sits on top: nothing imports it.
"""
