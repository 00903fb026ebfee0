"""Python's standard logging, configured once for the command line and the app.

What goes wrong inside is told to a person as a Chinese sentence (never a traceback); the details go to this
log, on standard error: the operator's terminal for a command, the service's journal for the app. The level
is WARNING unless MONITOR_LOG_LEVEL names another (INFO, DEBUG); PIPELINES_DEBUG=1 means DEBUG, which shows a
failed command's traceback.
"""

import logging
import os

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


def level() -> int:
    """The level the environment asks for (WARNING by default; a name logging does not know is WARNING too)."""
    if os.environ.get("PIPELINES_DEBUG"):
        return logging.DEBUG
    named = logging.getLevelName(os.environ.get("MONITOR_LOG_LEVEL", "WARNING").strip().upper())
    return named if isinstance(named, int) else logging.WARNING


def configure() -> None:
    """Give the root logger its handler and level, once per process (a later call changes nothing, and neither
    does one in a process whose root logger already has a handler, such as pytest's)."""
    logging.basicConfig(level=level(), format=FORMAT, datefmt=DATE_FORMAT)
