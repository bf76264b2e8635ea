"""assistant.stack: a service that dies while starting is reported with its log."""
import sys

import pytest

from assistant import stack


def test_a_service_that_exits_while_starting_is_reported_with_its_log(tmp_path):
    log = tmp_path / "broken.log"
    service = stack.Service(name="broken", command=[sys.executable, "-c", "print('bad config')"],
                            health_url="http://127.0.0.1:9/", log_path=log)
    service.start()
    with pytest.raises(RuntimeError, match=f"broken exited early \\(see {log}\\)"):
        service.wait_ready(timeout=30)
    assert "bad config" in log.read_text()
