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
