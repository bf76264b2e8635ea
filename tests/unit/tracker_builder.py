"""Builds rasa_sdk trackers for action tests, instead of hand-edited JSON."""
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker


def ranking(*intents_and_confidences) -> List[Dict[str, Any]]:
    return [{"name": name, "confidence": confidence} for name, confidence in intents_and_confidences]


def build_tracker(
    text: str = "",
    intent_ranking: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    active_loop: Optional[str] = None,
    requested_slot: Optional[str] = None,
) -> Tracker:
    intent_ranking = intent_ranking or []
    top = intent_ranking[0] if intent_ranking else {"name": None, "confidence": 0.0}
    slots = dict(slots or {})
    if requested_slot:
        slots["requested_slot"] = requested_slot
    return Tracker(
        sender_id="unit-test",
        slots=slots,
        latest_message={"text": text, "intent": top, "intent_ranking": intent_ranking,
                        "entities": []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )
