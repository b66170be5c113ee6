from tests.core.attachments.helpers import greetings  # noqa: F401
