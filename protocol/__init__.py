"""The rules both sides of the wire share: the sync protocol's constants and JSON shapes
(``protocol.api``: event types, limits, star levels, name masking) and the signed
volunteer-code format (``protocol.codes``).

A LEAF package: it imports nothing of ours (tests/test_layers.py), so kiosk/, sync/ and
central/ all import it without depending on one another.
"""
