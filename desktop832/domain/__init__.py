"""The pure domain layer: money, identifiers, profile, plan, purchases, policy and rules.

Nothing in this package imports Qt or SQL; every layer above it may import it.
"""
