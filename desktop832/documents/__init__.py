"""Documents the clerk sends: the commitment letter PDF and the Excel export (no Qt here)."""
