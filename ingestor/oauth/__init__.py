"""OAuth2 for mail sources: provider defaults, the token endpoint, sign-in flows, refresh."""
