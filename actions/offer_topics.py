"""When the assistant is unsure, offer the likeliest topics instead of a wrong answer."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from assistant import topics


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
            for intent in topics.topic_menu(ranking)
        ]
        dispatcher.utter_message(response="utter_offer_topics", buttons=buttons)
        return []
