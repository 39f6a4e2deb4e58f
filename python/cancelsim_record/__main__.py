"""python3 -m cancelsim_record: the command line (see recorder.main)."""
import sys

from .recorder import main

sys.exit(main(sys.argv[1:]))
