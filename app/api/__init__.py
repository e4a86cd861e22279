"""The local API: other programs as users (issue 28).

A front end beside ``app/cli`` and ``app/gui``: FastAPI on uvicorn, driving jobs through
the front desk (``app.jobs.desk.Desk``) and nothing else. Two contracts: the job
contract (``/api/…``: upload → job id at once → status → result) and OpenAI's
(``/v1/audio/…``, ``/v1/models``), so an OpenAI client works unchanged. Started by
``earmark serve --api [ADDRESS]``."""
