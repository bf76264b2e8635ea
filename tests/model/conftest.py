"""The trained model, loaded once for the tests that measure it directly."""
import asyncio
import logging

import pytest

from assistant import stack


@pytest.fixture(scope="session")
def parse():
    if not stack.MODEL.exists():
        pytest.fail(f"No trained model at {stack.MODEL}: run `make test`, which trains it first.")
    import structlog
    from rasa.core.agent import Agent

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    agent = Agent.load(str(stack.MODEL))
    loop = asyncio.new_event_loop()
    yield lambda text: loop.run_until_complete(agent.parse_message(text))
    loop.close()
