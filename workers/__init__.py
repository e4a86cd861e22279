"""Earmark's compute side: the Celery app, its tasks and the engines they call.

Nothing here imports Qt: these modules run in worker processes, possibly on
other machines, and the GUI imports only their contracts (task names, errors).
"""
