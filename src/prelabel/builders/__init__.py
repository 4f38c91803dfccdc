"""Result builders, grouped by data kind; they are mixed into the control tag classes.

A control handle (``config.control("label")``) is an instance of its tag class, whose bases
include the builder mixins below, so each control offers exactly the builders it can make.
"""
