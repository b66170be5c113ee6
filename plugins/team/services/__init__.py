"""The team plugin's rules, without request objects: what views, jobs, tests and other plugins call."""


class TeamError(ValueError):
    """A rule refuses the action; the (translated) message says why, for the user; ``field`` names the form field."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.field = field
