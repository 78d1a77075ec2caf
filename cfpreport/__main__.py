"""Allow ``python -m cfpreport``."""

from cfpreport.cli import main

main()
