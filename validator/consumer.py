"""The consumer API under its first name: ``from validator.consumer import Bundle``.

The reader now lives in :mod:`validator.consume.consumer`; this module keeps programs
written against the old path working. It imports only the consumer side.
"""

from validator.consume.consumer import Bundle, BundleError, Change, Determination

__all__ = ["Bundle", "BundleError", "Change", "Determination"]
