"""The pipeline's rules, without request objects: what views, the API, tests and other plugins call."""


class PipelineError(ValueError):
    """A rule of the sales process refuses the action; the message (translated) says why, for the user."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.field = field
