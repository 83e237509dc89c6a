"""Stage 4, publishing: a validated repository written as a deterministic, verifiable
bundle (``bundle``, with its code index in ``code_index`` and its ``manifest``), never
over anything but a previous bundle (``output``), written as it is built and swapped in
whole under a lock (``write``, ``swap``); its JSON Schema (``bundle_schema``), canonical
JSON (``canonical``) and where it came from (``provenance``). Imports checking and below,
and the consumer side for the names it shares with readers.
"""
