"""Problems with an exchanged file that the clerk can act on; each carries a Chinese message."""


class ExchangeError(Exception):
    """A file that cannot be read, written or used as it is; ``message`` is shown as it stands."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
