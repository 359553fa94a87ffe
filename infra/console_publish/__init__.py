"""Publishing the admin console (``console/``) to the bucket its CloudFront distribution serves."""

from console_publish.publish import ConsoleSite, main, publish, site_of_stack

__all__ = ["ConsoleSite", "main", "publish", "site_of_stack"]
