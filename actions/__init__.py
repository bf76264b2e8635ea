"""Custom actions, one module each; the action server loads this package."""
from actions.offer_topics import ActionOfferTopics  # noqa: F401
