"""Output only: each module turns results into one format (text, JSON, CSV, YAML templates)."""
