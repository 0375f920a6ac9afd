"""Streamlit-only helpers: cached resources, background jobs, shared widgets. Pages import these; core never does."""
