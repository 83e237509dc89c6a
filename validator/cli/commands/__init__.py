"""One module per subcommand: each adds its parser (``add_parser``) and runs it (``run``).

:mod:`validator.cli.main` lists them in the order ``policyrepo --help`` shows them.
"""
