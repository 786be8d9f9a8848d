"""Plugins bundled with claimtrack, written against the public API only."""
