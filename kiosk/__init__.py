"""The kiosk's core: config, local store, domain services and the CLI. No Qt here."""

__version__ = "0.1.0"
