"""Jobs from paths to results: the job service, chunked long files, dispatch, the watchdog, auto-export, the stack."""
