"""The service layer shared by the pages and the REST API: the served project's
workspace, and the few questions both ask of :mod:`medtrace.api`."""
