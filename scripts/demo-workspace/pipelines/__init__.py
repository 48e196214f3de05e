"""Pipelines of the Spanlens demo workspace. Each module builds one Flujo pipeline; run_pipelines.py runs them."""
