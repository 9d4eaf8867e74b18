"""The trainers tests use the people of the trainer pool (one per role) and
the session defined in tests/conftest.py."""
