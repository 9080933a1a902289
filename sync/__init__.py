"""Kiosk ↔ central sync: the engine (push, pull, authorise).

The protocol's shapes and the volunteer-code format live in the leaf package ``protocol``
(``protocol.api``, ``protocol.codes``), shared with ``central`` and the kiosk core.
"""
