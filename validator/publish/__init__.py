"""Stage 4, publishing: a validated repository written as a deterministic, verifiable
bundle (``bundle``), its JSON Schema (``bundle_schema``), canonical JSON (``canonical``)
and where it came from (``provenance``). Imports checking and below, and the consumer side
for the names it shares with readers.
"""
