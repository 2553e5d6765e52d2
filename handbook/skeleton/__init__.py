"""Files that `handbook init` writes (data, not code)."""
