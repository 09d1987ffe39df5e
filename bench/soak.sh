#!/bin/sh
# Memory soak: N concurrent download loops for T seconds through paqet4j, then the same through
# kcptun, in two network namespaces joined by a veth pair (198.18.0.0/15). Every 15 s the RSS,
# threads and open fds of both tunnel processes are sampled; after the load each pair stays up,
# idle, for another --idle seconds (default 60) to see whether memory comes back.
#
# Load: files of 1..8 MB served by python3's http.server in the server namespace; each loop
# downloads a random one with curl and checks its SHA-256. paqet4j: curl through the client's
# SOCKS5 (the usual way it is used). kcptun has no SOCKS5, so its loops fetch through
# kcptun-client's port forward to the same HTTP server: kcptun saves the SOCKS5 handshake
# (one tunnel round trip per download), otherwise both carry the same bytes.
# Both tunnels: cipher aes, mode fast, MTU 1350, windows 4096/4096, no FEC, no compression;
# paqet4j on the raw TCP carrier with the launcher's JVM defaults (PAQET_JAVA_OPTS replaces them).
#
# --idle-conns N opens N more connections through the tunnel before the load starts (SOCKS5
# CONNECT for paqet4j, the port forward for kcptun, to the HTTP server) and keeps them open and
# silent until the idle tail is over.
#
# Needs root, curl, python3, kcptun. Usage:
#   sudo bench/soak.sh [-n LOOPS] [-t SECONDS] [--idle SECONDS] [--conn N] [--idle-conns N]
#                      [--only paqet4j|kcptun]
# Defaults: -n 30 -t 300 --idle 60 --conn 1 --idle-conns 0. PAQET=path/to/paqet runs another
# build of the launcher.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
loops=30
seconds=300
idle=60
conn=1
only=""
idle_conns=0
interval=15
while [ $# -gt 0 ]; do
    case "$1" in
        -n) loops=$2; shift 2 ;;
        -t) seconds=$2; shift 2 ;;
        --idle) idle=$2; shift 2 ;;
        --conn) conn=$2; shift 2 ;;
        --idle-conns) idle_conns=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        *) echo "usage: $0 [-n LOOPS] [-t SECONDS] [--idle SECONDS] [--conn N] [--idle-conns N] [--only paqet4j|kcptun]" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "soak: needs root (network namespaces, raw sockets)" >&2; exit 1; }
for tool in curl python3 sha256sum kcptun-client kcptun-server ip; do
    command -v "$tool" >/dev/null || { echo "soak: $tool is not installed" >&2; exit 1; }
done
paqet=${PAQET:-bin/paqet}
[ -x "$paqet" ] || ./build.sh >/dev/null

. "$root/bench/lib/netns.sh"
work=$(mktemp -d /tmp/p4j-soak-XXXXXX)
key=$("$paqet" secret)

cleanup() {
    trap - EXIT INT TERM
    touch "$work/stop" 2>/dev/null || true
    netns_pair_delete
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

netns_pair_create soak s 02:70:34:6b:01

# Eight files of 1..8 MB (plus a few odd bytes, so sizes are not round) and their hashes.
mkdir "$work/files"
for i in 1 2 3 4 5 6 7 8; do
    head -c $((i * 1000000 + i * 37)) /dev/urandom >"$work/files/f$i"
    sha256sum "$work/files/f$i" | cut -d' ' -f1 >"$work/files/f$i.sha256"
done
ip netns exec "$ns_s" python3 -m http.server --bind 198.18.0.1 8000 --directory "$work/files" \
    >"$work/http.log" 2>&1 &

# One download loop: random file, hash check, one line per download (ok|bad bytes) to its log.
cat >"$work/loop.sh" <<'EOF'
#!/bin/sh
# $1 work dir, $2 URL prefix, $3 curl proxy options (may be empty), $4 log file, $5 seed
work=$1; prefix=$2; proxy=$3; log=$4; n=$5
while [ ! -e "$work/stop" ]; do
    n=$(( (n * 1103515245 + 12345) % 2147483648 ))
    i=$(( n / 65536 % 8 + 1 ))
    want=$(cat "$work/files/f$i.sha256")
    # shellcheck disable=SC2086
    rc=0
    : >"$log.body"
    curl -s --max-time 120 -o "$log.body" $proxy "$prefix/f$i" || rc=$?
    got=$(sha256sum <"$log.body" | cut -d' ' -f1)
    if [ "$got" = "$want" ]; then
        echo "ok $i" >>"$log"
    else
        # Why it failed, for the report: curl's exit code, bytes received, when.
        echo "bad $i curl=$rc bytes=$(wc -c <"$log.body") at=$(date +%s)" >>"$log"
    fi
    rm -f "$log.body"
done
EOF
chmod +x "$work/loop.sh"

# Idle connections: opens them (SOCKS5 CONNECT when a proxy port is given), says how many are up,
# then holds them without a byte until the stop file appears.
cat >"$work/hold.py" <<'EOF'
import os, socket, struct, sys, time
host, port, count, socks, ready, stop = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
held = []
for _ in range(count):
    if socks:
        s = socket.create_connection(("127.0.0.1", int(socks)), timeout=30)
        s.sendall(b"\x05\x01\x00")
        s.recv(2)
        s.sendall(b"\x05\x01\x00\x01" + socket.inet_aton(host) + struct.pack(">H", port))
        reply = b""
        while len(reply) < 10:
            chunk = s.recv(10 - len(reply))
            if not chunk:
                break
            reply += chunk
        if len(reply) < 10 or reply[1] != 0:
            continue
    else:
        s = socket.create_connection((host, port), timeout=30)
    held.append(s)
with open(ready, "w") as f:
    f.write("%d\n" % len(held))
while not os.path.exists(stop):
    time.sleep(1)
EOF

sample() { # phase, elapsed, server pid, client pid: one row per process
    for side in server client; do
        if [ "$side" = server ]; then pid=$3; else pid=$4; fi
        if [ -r "/proc/$pid/status" ]; then
            rss=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
            threads=$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status")
            fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
        else
            rss=gone; threads=-; fds=-
        fi
        echo "$1|$2|$side|$rss|$threads|$fds" >>"$work/samples"
    done
}

# Runs the load for one tunnel: name, server pid, client pid, URL prefix, curl proxy options.
soak() {
    name=$1; spid=$2; cpid=$3
    sleep 5
    sample "$name" idle "$spid" "$cpid"
    rm -f "$work/stop" "$work/held" "$work/unhold" "$work"/dl-*.log
    if [ "$idle_conns" -gt 0 ]; then
        # shellcheck disable=SC2086
        ip netns exec "$ns_c" python3 "$work/hold.py" $6 "$idle_conns" "$7" "$work/held" "$work/unhold" &
        i=0
        until [ -s "$work/held" ] || [ $i -gt 600 ]; do sleep 0.5; i=$((i + 1)); done
        echo "  $name: $(cat "$work/held" 2>/dev/null || echo 0) idle connections open" >&2
        sleep 5
        sample "$name" "idle, $(cat "$work/held" 2>/dev/null || echo 0) conns" "$spid" "$cpid"
    fi
    i=0
    while [ $i -lt "$loops" ]; do
        i=$((i + 1))
        : >"$work/dl-$i.log"
        ip netns exec "$ns_c" "$work/loop.sh" "$work" "$4" "$5" "$work/dl-$i.log" "$((i * 7919 + $$))" &
    done
    start=$(date +%s)
    elapsed=0
    while [ "$elapsed" -lt "$seconds" ]; do
        step=$interval
        [ $((seconds - elapsed)) -lt "$step" ] && step=$((seconds - elapsed))
        sleep "$step"
        elapsed=$(( $(date +%s) - start ))
        sample "$name" "$elapsed" "$spid" "$cpid"
        echo "  $name ${elapsed}s: $(cat "$work"/dl-*.log | grep -c '^ok') downloads" >&2
    done
    touch "$work/stop"
    # Downloads in flight finish (or time out) before the load counts as over.
    while pgrep -f "$work/loop.sh" >/dev/null; do sleep 1; done
    busy=$(( $(date +%s) - start ))
    ok=$(cat "$work"/dl-*.log | grep -c '^ok' || true)
    bad=$(cat "$work"/dl-*.log | grep -c '^bad' || true)
    bytes=$(cat "$work"/dl-*.log | awk '$1 == "ok" { s += $2 * 1000000 + $2 * 37 } END { printf "%.0f", s }')
    echo "$name|$ok|$bad|$bytes|$busy" >>"$work/totals"
    after=0
    while [ "$after" -lt "$idle" ]; do
        step=$interval
        [ $((idle - after)) -lt "$step" ] && step=$((idle - after))
        sleep "$step"
        after=$((after + step))
        sample "$name" "idle+$after" "$spid" "$cpid"
    done
    touch "$work/unhold"
}

: >"$work/samples"
: >"$work/totals"
echo "soak: $(nproc) cores, $loops loops, ${seconds}s load, ${idle}s idle after, conn $conn, $idle_conns idle connections" >&2

if [ -z "$only" ] || [ "$only" = paqet4j ]; then
    kcp="transport:\n  conn: $conn\n  kcp:\n    mode: fast\n    block: aes\n    mtu: 1350\n    sndwnd: 4096\n    rcvwnd: 4096\n    key: \"$key\"\n"
    printf 'role: server\nlog:\n  level: warn\nlisten:\n  addr: "198.18.0.1:9999"\nnetwork:\n  carrier: raw\n  interface: %s\n  ipv4:\n    addr: "198.18.0.1:9999"\n    router_mac: "02:70:34:6b:01:02"\n'"$kcp" \
        "$veth_s" >"$work/server.yaml"
    printf 'role: client\nlog:\n  level: warn\nserver:\n  addr: "198.18.0.1:9999"\nsocks5:\n  - listen: "127.0.0.1:1080"\nnetwork:\n  carrier: raw\n  interface: %s\n  ipv4:\n    addr: "198.18.0.2:0"\n    router_mac: "02:70:34:6b:01:01"\n'"$kcp" \
        "$veth_c" >"$work/client.yaml"
    ip netns exec "$ns_s" "$paqet" run -c "$work/server.yaml" >"$work/server.out" 2>"$work/server.err" &
    spid=$!
    wait_for "$work/server.out" "listening"
    ip netns exec "$ns_c" "$paqet" run -c "$work/client.yaml" >"$work/client.out" 2>"$work/client.err" &
    cpid=$!
    wait_for "$work/client.out" "1080"
    soak paqet4j "$spid" "$cpid" http://198.18.0.1:8000 "--socks5-hostname 127.0.0.1:1080" "198.18.0.1 8000" 1080
    kill -TERM "$spid" "$cpid"
    wait "$spid" "$cpid" 2>/dev/null || true
fi

if [ -z "$only" ] || [ "$only" = kcptun ]; then
    kcptun_opts="--key $key --crypt aes --mode fast --mtu 1350 --sndwnd 4096 --rcvwnd 4096 --nocomp --datashard 0 --parityshard 0 --quiet"
    # shellcheck disable=SC2086
    ip netns exec "$ns_s" kcptun-server -l 198.18.0.1:29900 -t 198.18.0.1:8000 $kcptun_opts >"$work/kcptun-server.log" 2>&1 &
    kspid=$!
    # shellcheck disable=SC2086
    ip netns exec "$ns_c" kcptun-client -l 127.0.0.1:18000 -r 198.18.0.1:29900 --conn "$conn" $kcptun_opts >"$work/kcptun-client.log" 2>&1 &
    kcpid=$!
    sleep 1
    soak kcptun "$kspid" "$kcpid" http://127.0.0.1:18000 "" "127.0.0.1 18000" ""
    kill -TERM "$kspid" "$kcpid"
    wait "$kspid" "$kcpid" 2>/dev/null || true
fi

echo
echo "| tunnel | downloads ok | bad | MB moved | load s | MB/s |"
echo "|---|---:|---:|---:|---:|---:|"
while IFS='|' read -r name ok bad bytes busy; do
    awk -v n="$name" -v ok="$ok" -v bad="$bad" -v b="$bytes" -v t="$busy" \
        'BEGIN { printf "| %s | %d | %d | %.0f | %d | %.1f |\n", n, ok, bad, b / 1e6, t, (t > 0 ? b / 1e6 / t : 0) }'
done <"$work/totals"
echo
echo "| tunnel | time s | server RSS MiB | server threads | server fds | client RSS MiB | client threads | client fds |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
awk -F'|' '
    $3 == "server" { key = $1 "|" $2; order[++n] = key; s[key] = $4 " | " $5 " | " $6 }
    $3 == "client" { c[$1 "|" $2] = $4 " | " $5 " | " $6 }
    END { for (i = 1; i <= n; i++) { split(order[i], k, "|"); printf "| %s | %s | %s | %s |\n", k[1], k[2], s[order[i]], c[order[i]] } }
' "$work/samples"
bad_total=$(awk -F'|' '{ s += $3 } END { print s + 0 }' "$work/totals")
if [ "$bad_total" -ne 0 ]; then
    echo "soak: $bad_total downloads had a wrong SHA-256 (curl exit code, bytes received, time):" >&2
    cat "$work"/dl-*.log | grep '^bad' | sort -t= -k4 | head -20 >&2
    for log in server.out server.err client.out client.err; do
        [ -s "$work/$log" ] || continue
        echo "soak: the last warnings in paqet4j's $log:" >&2
        grep -E 'WARN|ERROR|Exception' "$work/$log" | tail -15 >&2
    done
    exit 1
fi
exit 0
