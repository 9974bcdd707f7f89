"""Problems with an exchanged file that the clerk can act on; each carries a Chinese message."""


from ..domain.errors import ClerkError


class ExchangeError(ClerkError):
    """A file that cannot be read, written or used as it is; ``message`` is shown as it stands.

    Exit status 2 (a file that cannot be used) unless raised with another: a refused write is 1."""
