#!/usr/bin/env python3
"""Scrapes status endpoint paths the way Prometheus and an open dashboard do: one long-lived
process, one kept-alive HTTP connection per endpoint, every path read in full once per interval.
Runs until it is killed (SIGTERM), then prints how many requests succeeded and failed to stderr.
A benchmark that starts curl per request mostly measures fork/exec on a small machine; this one
measures what the tunnel pays for answering.

usage: status-scraper.py INTERVAL_SECONDS URL [URL ...]
"""
import http.client
import signal
import sys
import time
import urllib.parse


def main():
    interval = float(sys.argv[1])
    targets = [urllib.parse.urlsplit(u) for u in sys.argv[2:]]
    connections = {}
    ok = 0
    failed = 0

    def stop(_signum, _frame):
        print(f"status-scraper: {ok} requests answered, {failed} failed", file=sys.stderr)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    next_round = time.monotonic()
    while True:
        for t in targets:
            key = t.netloc
            try:
                conn = connections.get(key)
                if conn is None:
                    conn = http.client.HTTPConnection(t.hostname, t.port, timeout=10)
                    connections[key] = conn
                conn.request("GET", t.path)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    ok += 1
                else:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                stale = connections.pop(key, None)
                if stale is not None:
                    stale.close()
        next_round += interval
        time.sleep(max(0.0, next_round - time.monotonic()))


if __name__ == "__main__":
    main()
