"""``python -m sockaddr``: see :mod:`sockaddr.cli`."""

import sys

from sockaddr.cli import main

sys.exit(main())
