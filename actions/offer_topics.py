"""When the assistant is unsure, offer the likeliest topics instead of a wrong answer."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import topics

MAX_TOPICS = 3


def likeliest_topics(intent_ranking: List[Dict[Text, Any]], limit: int = MAX_TOPICS) -> List[Text]:
    """The best-ranked intents that are answer topics, most likely first."""
    labels = topics.labels()
    ranked = sorted(intent_ranking, key=lambda entry: entry.get("confidence") or 0, reverse=True)
    return [entry["name"] for entry in ranked if entry.get("name") in labels][:limit]


class ActionOfferTopics(Action):
    def name(self) -> Text:
        return "action_offer_topics"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        labels = topics.labels()
        buttons = [
            {"title": labels[intent], "payload": labels[intent]}
            for intent in likeliest_topics(ranking)
        ]
        dispatcher.utter_message(response="utter_offer_topics", buttons=buttons)
        return []
