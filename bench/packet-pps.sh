#!/bin/sh
# One-way packets per second between two network namespaces: raw TCP carrier (AF_PACKET and raw
# IP send modes) and UDP carrier, single sends and sendBatch. Needs root. Usage:
#   bench/packet-pps.sh [seconds] [size]      (defaults: 5 s, 1350-byte payloads)
# Set JFR=1 to also record one raw run with Flight Recorder and print allocation samples.
# The last two lines are the yardstick: bench/rawref.c, a minimal C sender (sendmmsg of 32 frames
# on AF_PACKET, checksums computed per packet) and receiver (recvmmsg of 64), built with the
# system's cc and run between two namespaces of the same shape in the same run.
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-5}
size=${2:-1350}
java_home=$("$root/scripts/jdk25")
cd "$root"
scripts/mvn -B -q -o test-compile -pl packet -am >/dev/null 2>&1 || scripts/mvn -B -q test-compile -pl packet -am
slf4j_version=$(sed -n 's:.*<slf4j.version>\(.*\)</slf4j.version>.*:\1:p' pom.xml)
slf4j="$HOME/.m2/repository/org/slf4j/slf4j-api/$slf4j_version/slf4j-api-$slf4j_version.jar"
cp="packet/target/test-classes:packet/target/classes:$slf4j"
jvm_options=""
run() {
    # shellcheck disable=SC2086
    "$java_home/bin/java" --enable-native-access=ALL-UNNAMED -Xms256m -Xmx256m $jvm_options \
        -cp "$cp" org.paqet4j.packet.PacketPps "$@"
}
# columns: carrier, IP version, send batch / receive batch (packets per sendmmsg / recvmmsg)
for carrier in raw-packet raw-ip udp; do
    for batch in 1 32; do
        [ "$carrier" = udp ] && [ "$batch" != 1 ] && continue
        run "$carrier" "$batch" "$seconds" "$size" 4 64 2>/dev/null
    done
done
run raw-packet 32 "$seconds" "$size" 6 64 2>/dev/null
run raw-packet 32 "$seconds" "$size" 4 1 2>/dev/null
run raw-packet 1 "$seconds" "$size" 4 64 ring 2>/dev/null
run raw-packet 32 "$seconds" "$size" 4 64 ring 2>/dev/null
# PACKET_QDISC_BYPASS on the send socket (RawTcpCarrierConfig.qdiscBypass), one and 32 per call
run raw-packet 1 "$seconds" "$size" 4 64 bypass 2>/dev/null
run raw-packet 32 "$seconds" "$size" 4 64 bypass 2>/dev/null

if command -v cc >/dev/null; then
    rawref=$(mktemp /tmp/rawref-XXXXXX)
    cc -O2 -o "$rawref" bench/rawref.c
    . "$root/bench/lib/netns.sh"
    # shellcheck disable=SC2064
    trap "netns_pair_delete; rm -f '$rawref'" EXIT
    netns_pair_create pps r 02:70:34:72:00
    # as in PacketPps: drop before the TCP lookup so the receiving kernel sends no RST per packet
    ip netns exec "$ns_s" iptables -t raw -A PREROUTING -p tcp --dport 42002 -j DROP
    ip netns exec "$ns_s" "$rawref" recv "$veth_s" 42002 "$seconds" 64 &
    receiver=$!
    ip netns exec "$ns_c" "$rawref" send "$veth_c" 02:70:34:72:00:01 198.18.0.2 198.18.0.1 42002 "$size" $((seconds + 2)) 32
    wait "$receiver"
else
    echo "(no cc: the C reference pair is skipped)"
fi
if [ "${JFR:-0}" = 1 ]; then
    jfr_file=$(mktemp /tmp/packet-pps-XXXXXX.jfr)
    jvm_options="-XX:StartFlightRecording=filename=$jfr_file,settings=profile"
    run raw-packet 32 "$seconds" "$size" 2>/dev/null
    echo "allocation samples on the hot path (sender/receiver threads):"
    "$java_home/bin/jfr" print --events jdk.ObjectAllocationSample "$jfr_file" \
        | grep -E 'eventThread = "(pps-sender|main)"' | sort | uniq -c || true
    echo "(main's samples are start-up: class generation, namespace setup; none come from the loops)"
    echo "garbage collections during the run: $("$java_home/bin/jfr" print --events jdk.GarbageCollection "$jfr_file" | grep -c 'name = ')"
    echo "recording: $jfr_file"
fi
