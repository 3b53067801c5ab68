"""Display classes: each draws one evaluation picture on matplotlib axes."""
