"""Deskmate's built-in skills. Each is an ordinary skill, found through the ``deskmate.skills``
entry point like any third-party one."""
