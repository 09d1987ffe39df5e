#!/bin/sh
# Builds paqet4j with a JDK 25 (found automatically) and produces bin/paqet. Tests are skipped;
# ./test.sh runs them.
set -e
cd "$(dirname "$0")"
scripts/mvn -B -q package -DskipTests "$@"
echo "built: $(pwd)/bin/paqet"
