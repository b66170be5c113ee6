"""Analytics' business rules, one module a job; no request objects here."""
