"""The serverless pipeline's steps: each loads what it needs by key, calls the domain, saves, and says little."""
