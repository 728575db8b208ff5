"""The definitions registry: each figure carries the text saying exactly what it counts, shown
beside it in the "Definition" details component (`DEFINITIONS[name]`)."""

DEFINITIONS: dict[str, str] = {}


def definition(text: str):
    """Attach a figure's definition to its function, for the UI's "Definition" component."""

    def register(func):
        func.definition = " ".join(text.split())
        DEFINITIONS[func.__name__] = func.definition
        return func

    return register
