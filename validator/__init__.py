"""policyrepo: health-plan coverage policies kept as versioned, validated data."""

__version__ = "0.1.0"
