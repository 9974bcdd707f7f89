"""The one error type the domain raises for bad input: it always carries a Chinese message."""


class InputError(ValueError):
    """Input a clerk (or a file) gave that the domain refuses.

    ``message`` is the Chinese text shown to the clerk; ``field`` names the field when known.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message
