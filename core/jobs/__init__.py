"""Scheduled jobs: a table of due jobs, claimed with a lease so that two workers never run the same one."""
