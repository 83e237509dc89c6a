"""Stage 1, reading: find the repository's files, read them safely, load YAML the JSON way.

``files`` discovers and reads (never following a link, never leaving the root);
``loader`` turns bytes into a :class:`~validator.read.document.Document` through
``text``, ``parse`` and ``values``, each hazard a finding at its line and column.
Imports only :mod:`validator.findings`.
"""
