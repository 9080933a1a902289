"""The application package: the ``kiosk`` command, its sub-commands, the runtime that wires
store, print queue, sync and UI together, doctor, self-test, frozen-build glue and demo.

It sits on top of every other package of ours and nothing imports it (tests/test_layers.py).
"""
