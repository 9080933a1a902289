"""The kiosk's core: config, local store, domain services and the views the screens show.

No Qt, and no import of ui/, sync/, central/ or station/ — at any level (tests/test_layers.py).
"""

__version__ = "0.1.0"
