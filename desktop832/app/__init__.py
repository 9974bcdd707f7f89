"""What the window and the command line both do to a data file: the workspace and its lock, the
policy library, logging, and the operations (demo copy, export, order import).

Keep this package light to import: operations import the store and the documents inside their
functions, so the window paints before SQLAlchemy, openpyxl or reportlab are loaded.
"""
