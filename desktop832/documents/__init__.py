"""File formats: domain values to and from the letter PDF, the export workbook, the platform's
order lists, the verify and stack readers. No Qt, no SQL: a document never opens the data file.

Slow work takes a ``progress`` callback that may raise :class:`progress.Cancelled`, so a window can
run it on a worker thread and stop it without leaving anything half written.
"""
