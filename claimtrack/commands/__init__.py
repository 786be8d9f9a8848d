"""The CLI's commands, one module per area; each exposes ``register(app)``.

``claimtrack.cli.MODULES`` names the commands each module registers (a run imports only one).
"""
