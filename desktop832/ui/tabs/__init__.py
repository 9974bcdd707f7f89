"""The window's tabs. Each is a Designer form plus the bindings of its fields."""
