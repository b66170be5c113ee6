"""The training rules, without request objects: what views, jobs, tests and other plugins call."""


class TrainingError(ValueError):
    """A training rule refuses the action; the message (translated) says why, for the user, next to ``field``."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.field = field
