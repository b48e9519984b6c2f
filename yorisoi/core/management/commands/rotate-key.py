# `yorisoi rotate-key` (the name the docs use) runs the same command as `yorisoi rotate_key`.
from yorisoi.core.management.commands.rotate_key import Command  # noqa: F401
