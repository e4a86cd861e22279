"""Where results are kept: the job store's schema, jobs, task history and speakers (SQLite)."""
