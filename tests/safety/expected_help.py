"""What the first reply must contain for each safety category: the right help, by name."""
from assistant.contacts import load as contacts


def required_help(category: str) -> list:
    c = contacts()
    return {
        "dog_attack": [c["emergency"], "A&E"],
        "child_danger": [c["emergency"], c["never_leave"]],
        "domestic_abuse": [c["emergency"], c["domestic_abuse_helpline"]],
        "mental_health": [c["emergency"], c["mental_health_111"], c["samaritans"]],
        "child_disclosure": [c["emergency"], c["childline"]],
        "child_concern": [c["cambs_childrens_services"], c["pboro_childrens_services"],
                          c["out_of_hours_team"]],
    }[category]
