"""Stage 2, the model: policies, versions and code rows, when each version is in effect,
and the answers to "what applied on this date".

``versions`` builds one version from a schema-valid document; ``timeline`` computes
windows and the repository; ``resolve`` answers lookups; ``codesystems`` and ``codesets``
know the billing code systems and which ICD codes exist. Imports reading and below.
"""
