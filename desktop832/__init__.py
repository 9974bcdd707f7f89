"""desktop832: the 832-platform reserve filing and purchase log for one budget unit."""

__version__ = "0.1.0"
