"""Runs a Rasa command with the project's settings: `python -m assistant.run rasa train ...`.

Rasa reads ${VARIABLES} in endpoints.yml from the environment; this fills them from `.env` and
the defaults, makes the folder for the conversation store, and then replaces itself with the
command.
"""
import os
import shutil
import sys

from assistant import settings


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit("usage: python -m assistant.run COMMAND [ARGS...]")
    os.environ.update(settings.rasa_environment())
    (settings.PROJECT_ROOT / "var").mkdir(exist_ok=True)
    command = sys.argv[1:]
    executable = shutil.which(command[0], path=os.path.dirname(sys.executable)) or command[0]
    os.execvp(executable, [executable] + command[1:])


if __name__ == "__main__":
    main()
