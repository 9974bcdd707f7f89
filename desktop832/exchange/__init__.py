"""Files exchanged with the outside: the platform's order lists in, spreadsheet cells both ways.

No Qt here. Slow work takes a ``progress`` callback that may raise :class:`progress.Cancelled`,
so a window can run it on a worker thread and stop it without leaving anything half written.
"""
