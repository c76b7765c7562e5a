"""``python -m condis_edu.bench``: print the send-path benchmark."""

from condis_edu.bench.measure import main

raise SystemExit(main())
