"""The CRM's business rules, without request objects: what views, the API, jobs, tests and other plugins call.

One module per job: customers, contacts (and consent), interactions, revisits (service plans), grading,
allocation, merge, surveys, campaigns (and sms), events, privacy (PIPL requests), importing.
"""

from plugins.crm.services.errors import CRMError, FieldErrors

__all__ = ["CRMError", "FieldErrors"]
