"""The one exception type that means "the user gave us something we cannot use"."""


class InputError(Exception):
    """Bad arguments, a path that is not an environment, a malformed config or rule file.

    The message is one line saying what is wrong and what to do; the CLI prints it and exits 2.
    """
