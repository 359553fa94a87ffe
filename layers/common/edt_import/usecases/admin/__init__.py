"""What the admin API does: imports and their history (``imports``), and the wizard's and settings' use cases."""
