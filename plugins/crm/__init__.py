"""The CRM plugin: customer files and relationship maintenance (REGULATION.md chapter 5, R2.1.1, R2.2.3, R11)."""
