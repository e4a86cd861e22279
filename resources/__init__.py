"""Bundled resources (icons, style sheets, prompts, templates), read with importlib.resources."""
