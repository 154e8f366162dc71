"""The views: thin adapters from a request to one service call and one template."""
