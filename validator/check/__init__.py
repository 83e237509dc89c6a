"""Stage 3, checking: the schemas, the rules for one version and for the repository, and
``validate``, which runs them all in order. ``catalogue`` assembles every rule.
Imports the model, reading and below; never prints.
"""
