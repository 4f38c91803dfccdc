"""Conformance suite: prelabel against a real Label Studio server (`make test-integration`)."""
