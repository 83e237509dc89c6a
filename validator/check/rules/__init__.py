"""The rule families, one module each: what each protects is in its docstring.

``paths``, ``dates`` and ``codes`` check one version that loaded cleanly and matched the
schema, so they can rely on its shape; each is a function of the one document and its
model, independent of every other file. ``timeline``, ``supersession`` and ``coverage``
check the repository as a whole, on the model built from every such version.
:mod:`validator.check.validate` runs them in that order.
"""
