"""Shared fixtures. The ``deskmate`` harness fixture comes from the installed pytest plugin."""
