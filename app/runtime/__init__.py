"""The processes the app runs and watches: the embedded broker, the workers, the gate for helpers, the queues."""
