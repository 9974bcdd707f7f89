"""The pure domain layer: money, identifiers, profile, plan, purchases, policy and rules.

Nothing in this package imports Qt or SQL; everything above it (store, output, ui) may import it.
"""
