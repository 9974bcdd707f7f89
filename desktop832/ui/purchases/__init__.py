"""The purchase log tab: its table model, delegate, form, undo commands and columns."""
