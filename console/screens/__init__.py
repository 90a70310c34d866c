"""Screens of the console, one per module, each with its `.tcss` beside it."""
