"""Recruitment (R3.1): requisitions, postings, the careers page, the hiring pipeline and hire."""
