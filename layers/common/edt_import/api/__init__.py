"""The admin API: one Powertools REST resolver (``resolver.py``), authorisation from the Cognito claims
(``auth.py``), errors as ``{"code", "message"}`` (``errors.py``), one router per resource in ``routes/``."""
