"""claimtrack's documentation, installed with it as ``claimtrack_docs``: ``claimtrack docs NAME``."""
