#!/bin/sh
# Frames per second through the userspace impairment bridge (lab/README.md): raw carrier in a
# sends as fast as it can, ImpairedBridge in m forwards, raw carrier in b receives. Needs root.
# Usage: bench/lab-pps.sh [seconds] [size] [impairment]   (defaults: 5 s, 1350 bytes, none)
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-5}
size=${2:-1350}
impairment=${3:-}
java_home=$("$root/scripts/jdk25")
cd "$root"
scripts/mvn -B -q -o test-compile -pl lab -am >/dev/null 2>&1 || scripts/mvn -B -q test-compile -pl lab -am
slf4j_version=$(sed -n 's:.*<slf4j.version>\(.*\)</slf4j.version>.*:\1:p' pom.xml)
slf4j="$HOME/.m2/repository/org/slf4j/slf4j-api/$slf4j_version/slf4j-api-$slf4j_version.jar"
"$java_home/bin/java" --enable-native-access=ALL-UNNAMED -Xms256m -Xmx256m \
    -cp "lab/target/test-classes:lab/target/classes:packet/target/test-classes:packet/target/classes:$slf4j" \
    org.paqet4j.lab.LabForwardingRate "$seconds" "$size" "$impairment" 2>/dev/null
