import json
import logging

from groundswell.core.log_format import JsonFormatter


def test_each_record_is_one_json_object():
    record = logging.LogRecord(
        "groundswell.test", logging.WARNING, __file__, 1, "sent %s", (3,), None
    )

    entry = json.loads(JsonFormatter().format(record))

    assert entry["level"] == "WARNING"
    assert entry["logger"] == "groundswell.test"
    assert entry["message"] == "sent 3"
    assert entry["time"].endswith("+00:00")


def test_the_worker_and_the_scheduler_log_through_our_handler_not_celerys(monkeypatch):
    from groundswell.config.celery import app
    from groundswell.core.log_format import RedactLinkTokens

    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))
    monkeypatch.setattr(root, "level", root.level)
    monkeypatch.setattr(app.log, "already_setup", False)

    app.log.setup_logging_subsystem(loglevel="INFO")  # as `celery worker` and `celery beat` do

    filters = [each for handler in root.handlers for each in handler.filters]
    assert any(isinstance(each, RedactLinkTokens) for each in filters)
    assert not any(type(handler).__module__.startswith("celery") for handler in root.handlers)
