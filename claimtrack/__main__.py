"""Run the command line as `python -m claimtrack`."""

from claimtrack.cli import main

main()
