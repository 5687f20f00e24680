"""The one exception type a user can cause."""


class CertifyError(Exception):
    """Bad input or an impossible request; the message says what was wrong and what to do."""
