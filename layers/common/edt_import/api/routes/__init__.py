"""One Powertools ``Router`` per resource; ``edt_import.api.resolver`` includes each of them."""
