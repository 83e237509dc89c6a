"""``python -m validator.bundle_schema`` prints the bundle schema, as it always has.

The schema is built by :mod:`validator.publish.bundle_schema`.
"""

from validator.publish.bundle_schema import bundle_schema, render

__all__ = ["bundle_schema", "render"]

if __name__ == "__main__":
    print(render(), end="")
