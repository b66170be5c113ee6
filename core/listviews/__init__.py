"""Saved list views (issue 12): a person keeps a list's search, filters, sort and grouping under a name, and finds it
again as a chip above that list. Only its owner sees or deletes a view; applying one is following a link, so the
list checks its arguments (and the person's record scope) exactly as it does for any other visit."""
