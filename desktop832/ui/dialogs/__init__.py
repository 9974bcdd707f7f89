"""Every dialog of the window: each a Designer form from ``forms/`` plus its behaviour."""
