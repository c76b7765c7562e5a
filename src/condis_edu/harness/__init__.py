"""The harness around the simulated library: the ``Machine`` learners drive."""
