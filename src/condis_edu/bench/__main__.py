"""``python -m condis_edu.bench``: print the send-path benchmark."""

from condis_edu.bench.measure import main

if __name__ == "__main__":
    raise SystemExit(main())
