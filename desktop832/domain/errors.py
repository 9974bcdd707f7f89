"""The one error base: every error the clerk is told about is a :class:`ClerkError`.

It carries the Chinese message to show as it stands, and the exit status the command line ends
with. The command line catches it in one place (``desktop832.cli.main``: the message on stderr, the
status from the error), the window in one place (``desktop832.ui.crash``: a calm message box, the
message logged at WARNING). Anything else that escapes is a bug, and goes through the crash report.
"""

EXIT_FAILED = 1  # the command failed on the way (a write refused, findings, an import blocked)
EXIT_UNUSABLE = 2  # bad usage, or a file or data that cannot be read or used as it is


class ClerkError(Exception):
    """A problem the clerk can act on; ``message`` is the Chinese text shown as it stands."""

    exit_code = EXIT_UNUSABLE

    def __init__(self, message: str, *, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class InputError(ClerkError, ValueError):
    """Input a clerk (or a file) gave that the domain refuses.

    ``message`` is the Chinese text shown to the clerk; ``field`` names the field when known.
    """

    exit_code = EXIT_FAILED

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
