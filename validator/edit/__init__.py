"""Stage 4, editing: tools that write policy files for their authors (``migrate``), through
a round-trip YAML library so that comments, key order and quoting stay. They read with
the validator's own loader and check what they write. Imports checking and below.
"""
