"""Rasa's FallbackClassifier, deciding on how sure the classifier is of the message's subject.

Rasa's own compares the single likeliest intent with the threshold, and with the next intent for
the ambiguity margin. Where two of our answers cover one subject (the never-leave rule and "could
my dog really bite?"; the law on banned dogs and the XL Bully rules), a message about that subject
splits its confidence between them and would get the topic buttons instead of an answer. Here
each subject's confidence is the sum of its answers' (assistant/topics.py, SUBJECTS); the
likeliest intent, as ranked by the classifier, is still the one answered.
"""
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.fallback_classifier import (AMBIGUITY_THRESHOLD_KEY, THRESHOLD_KEY,
                                                      FallbackClassifier)
from rasa.shared.nlu.constants import INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from assistant import topics


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SubjectFallbackClassifier(FallbackClassifier):
    def _should_fallback(self, message: Message) -> bool:
        return topics.unsure_of_subject(message.data.get(INTENT_RANKING_KEY, []),
                                         self.component_config[THRESHOLD_KEY],
                                         self.component_config[AMBIGUITY_THRESHOLD_KEY])
