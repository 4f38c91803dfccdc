"""Adapters from common model outputs and dataset formats to Label Studio tasks."""
