"""The consumer side: reading and verifying a published bundle.

A claims or prior-authorisation system installs this to read bundles, so it imports
nothing of the other stages and no YAML or JSON Schema library: only the standard
library, and ``cryptography`` for signatures. ``verify`` checks a bundle against its
manifest, ``consumer`` answers questions from it, ``signing`` holds the Ed25519 keys;
beneath them, ``manifest`` parses the manifest as untrusted input and ``files`` reads a
bundle's files (regular files only, never blocking, byte for byte as the manifest lists).
"""
