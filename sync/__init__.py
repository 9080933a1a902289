"""Kiosk ↔ central sync: the engine (push, pull, authorise) and the protocol's shapes.

``sync.protocol`` and ``sync.codes`` are leaf modules shared with ``central``: they import
nothing of ours and no third-party package but ``cryptography``.
"""
