"""The rule families, one module each: what each protects is in its docstring.

``paths``, ``dates``, ``service_dates``, ``codes``, ``references``, ``criteria``,
``limits`` and ``applicability`` check one version that loaded cleanly and matched the
schema, so they can rely on its shape; each is a function of the one document and its
model, independent of every other file. ``service_dates``, ``applicability``,
``timeline``, ``retirement``, ``supersession`` and ``coverage`` also check the
repository as a whole, on the model built from every such version and the organisation
file, with the positions ``places`` keeps for them; ``scopes`` compares applicabilities.
:mod:`validator.check.validate` runs them in that order.
"""
