"""No models: the app is here for its post_migrate hook (the cache table), commands and health check."""
