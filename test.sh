#!/bin/sh
# Runs the whole test suite: installs the tools the tests use (kcptun, iperf3, curl, tcpdump,
# tshark, iproute2, nftables/iptables; needs root), then builds every module and runs every test,
# including the end-to-end tests in network namespaces and the fuzz targets in regression mode.
set -e
cd "$(dirname "$0")"
scripts/install-test-deps
scripts/mvn -B verify "$@"
