"""The professional dog risk check: a form, its validation, and the summary to paste into records.

Registered with the action server by `import actions.risk_check` in actions/__init__.py.
"""
from actions.risk_check.control import ActionRiskCheckReset  # noqa: F401
from actions.risk_check.summary import ActionRiskCheckSummary  # noqa: F401
from actions.risk_check.validation import ValidateDogRiskCheckForm  # noqa: F401
