"""Project-wide API behaviour no app owns: the error handler, error pages, outage middleware."""
