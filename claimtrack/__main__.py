"""Run the command line as `python -m claimtrack`."""

from claimtrack.cli import main

if __name__ == "__main__":
    main()
