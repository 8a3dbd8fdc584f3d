"""Remote-auth adapter for Django REST framework: verify Bearer tokens against a remote auth server."""
