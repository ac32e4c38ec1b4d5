"""llmpick: which open-weight LLM to self-host, on which GPUs, under which licence, at what cost."""
