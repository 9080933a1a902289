"""Receipts on ESC/POS thermal printers: documents, renderers, connections.

Imports nothing of the kiosk and no Qt. Start with ``printer.document`` (what to print),
``printer.profiles`` (which printer), ``printer.connections.open_connection`` (where to)
and ``printer.output.Output`` (all three together).
"""
