"""The CLI's commands, one module per area; each exposes ``register(app)``.

What they share (options, error handling, opening the store) is in ``options``; no command imports
``claimtrack.cli`` or another command. ``claimtrack.cli.registrations()`` finds which module
registers which command: a run builds only that module's commands, ``--help`` none.
"""
