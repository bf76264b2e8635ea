"""Rasa-side code of the dog-safety assistant: settings, contacts, safety check, channels, NLG."""
