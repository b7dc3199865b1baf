"""Allow `python -m send_desk`."""

import sys

from send_desk.cli.main import main

sys.exit(main())
