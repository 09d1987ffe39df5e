#!/bin/sh
# Builds paqet4j with a JDK 25 (found automatically) and produces bin/paqet. Tests are skipped;
# ./test.sh runs them.
#   ./build.sh          bin/paqet + bin/lib/paqet.jar (runs with a JDK 25 on the machine)
#   ./build.sh --image  also dist/image/: a self-contained runtime, dist/image/bin/paqet
#   ./build.sh --deb    also dist/paqet4j_<version>_<arch>.deb (runtime, systemd unit, completions,
#                       man page, example configurations)
# Other arguments go to Maven.
set -e
cd "$(dirname "$0")"
image=false
deb=false
for arg in "$@"; do
  shift
  case "$arg" in
    --image) image=true ;;
    --deb) deb=true ;;
    *) set -- "$@" "$arg" ;;
  esac
done
scripts/mvn -B -q package -DskipTests "$@"
echo "built: $(pwd)/bin/paqet"
if $image; then
  scripts/package-image cli/target/paqet.jar dist/image
  echo "built: $(pwd)/dist/image/bin/paqet ($(du -sh dist/image | cut -f1))"
fi
if $deb; then
  if $image; then
    echo "built: $(scripts/package-deb cli/target/paqet.jar dist dist/image)"
  else
    echo "built: $(scripts/package-deb cli/target/paqet.jar dist)"
  fi
fi
