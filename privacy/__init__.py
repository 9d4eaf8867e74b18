"""People's rights over their personal data: export (:mod:`privacy.export`),
erasure (:mod:`privacy.erasure`) and retention periods
(:mod:`privacy.retention`), with the pages that exercise them.

Privacy sits on top of the other apps: it may import accounts, assessments,
courses, trainers and certificates, and nothing imports it except the URL
configuration.
"""
