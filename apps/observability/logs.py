"""JSON log lines for production: one object per line, with the request context."""

import json
import logging
from datetime import UTC, datetime

from core.logcontext import FIELDS


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object: time, level, logger, message and the request context."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **{name: getattr(record, name, None) for name in FIELDS},
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)
