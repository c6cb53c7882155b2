"""lindung: social-security protection for the non-ASN and vulnerable workers of Indonesian Pemda."""

__version__ = "0.1.0"
