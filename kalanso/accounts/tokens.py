from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """One-use token: it stops working once the address is confirmed."""

    key_salt = "kalanso.accounts.tokens.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return (
            f"{user.pk}{user.email}{user.email_confirmed_at}{user.is_active}{timestamp}"
        )


email_confirmation_token = EmailConfirmationTokenGenerator()
