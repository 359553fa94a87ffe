"""Builders and fakes shared by the test tiers (one module per kind, so additions do not collide)."""
