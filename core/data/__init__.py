"""Data sources, cleaning, corpora on disk and token shards."""
