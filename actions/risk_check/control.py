"""Starting and stopping the dog risk check.

"go back", "change the answer about ..." and "skip"/"don't know" are handled inside the form's
validation (validation.py), so the check carries straight on. Stopping is a rule (data/rules/
risk_check.yml): action_deactivate_loop, then action_risk_check_reset, then a short confirmation.
"""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.risk_check.summary import clear_events


class ActionRiskCheckReset(Action):
    """Forgets every answer: before a new check starts, and when a check is stopped.

    It also clears requested_slot, so "Start the dog risk check" tapped in the middle of a check
    starts again from the first question."""

    def name(self) -> Text:
        return "action_risk_check_reset"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        return clear_events() + [SlotSet("requested_slot", None)]
