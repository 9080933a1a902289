"""What the screens show, as plain data: one module per area (orders, redemption, staff).

Each function takes a Session first, so a screen runs it on a worker through
``ui/operations.py`` (``ctx.ops.run_db`` / ``read_db``), and returns small frozen
dataclasses, never ORM rows: the session is closed by the time the result reaches the Qt
main thread. The rules themselves live in the domain modules these call.
"""
