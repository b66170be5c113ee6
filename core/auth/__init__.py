"""Login security: sign-in with throttling, sign-out, changing one's own password, safe redirects (issue 3 §4)."""
