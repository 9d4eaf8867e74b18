"""The reporting tests' small programme, whose totals were computed by hand:
erasure and retention must leave every one of them unchanged."""

from tests.reporting.conftest import programme  # noqa: F401
