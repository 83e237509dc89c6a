"""Allow ``python -m validator`` as well as the ``policyrepo`` console script."""

import sys

from validator.cli import main

sys.exit(main())
