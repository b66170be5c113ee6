"""Recruitment rules, without request objects: what views, the CLI, jobs, tests and other code call."""


class RecruitmentError(ValueError):
    """A recruitment rule refuses the action; the message (translated) says why, for the user."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.field = field
