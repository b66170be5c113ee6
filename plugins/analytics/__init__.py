"""Analytics and market research (R7): dashboards, a pivot explorer over every plugin's data sets, competitors."""
