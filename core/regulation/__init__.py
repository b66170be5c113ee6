"""The company's copy of the regulation, clause by clause, with the plugins and live compliance figures that serve
each clause (DESIGN.md; R14: a company edits its own copy and each clause links to the features enforcing it)."""
