"""Liaison: federated information system for cross-border police cooperation against drug crime."""

__version__ = "0.1.0"
