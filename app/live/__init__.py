"""Live recording: capture from a named input into durable pieces in the data folder, and
the recordings a crash left unfinished (``recording``). No Qt, no stack: the front ends
(``earmark listen``, the window) and the front desk (which turns an unfinished recording
into a job when Earmark starts) use it."""
