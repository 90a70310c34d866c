"""Packdesk core: domain, persistence, services, channels, documents. Never imports textual or console."""

__version__ = "0.1.0"
