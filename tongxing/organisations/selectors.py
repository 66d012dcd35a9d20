from tongxing.accounts.scope import units_for

__all__ = ["units_for"]
