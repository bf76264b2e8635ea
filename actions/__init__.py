"""Custom actions, one module each; the action server loads this package."""
import actions.risk_check  # noqa: F401  (the professionals' dog risk check)
from actions.offer_topics import ActionOfferTopics  # noqa: F401
