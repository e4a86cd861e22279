"""Engines: plain classes that do the work, tested without Celery."""
