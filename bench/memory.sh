#!/bin/bash
# Memory test: does paqet4j's RSS come back after load, and does limits.memory hold under a
# stalled-reader attack? Two network namespaces joined by a veth pair (198.18.0.0/15), paqet4j
# on the raw TCP carrier with the launcher's JVM defaults (PAQET_JAVA_OPTS replaces them), both
# ends with `limits.memory: 64MiB`, cipher aes, mode fast, windows 4096/4096.
#
#  1. idle RSS of server and client (10 s after start);
#  2. 300 concurrent downloads of a 1 MB file through the client's SOCKS5 (curl), each checked
#     by SHA-256; RSS sampled every second, the peak is reported;
#  3. RSS 60 s after the last download ended: must be <= idle + 50 MiB (PASS/FAIL per side);
#  4. attack: a python3 script opens 1000 SOCKS5 connections to a sender in the server namespace
#     that writes as fast as it can, and never reads; while they hang, one more 8 MB download
#     must arrive intact (PASS/FAIL), and the server's RSS peak must stay under
#     idle + 64 MiB + JVM overhead (--overhead MiB, default 64: thread and GC structures that grow
#     with 1000 connections and are not buffered bytes) (PASS/FAIL);
#  5. the same attack against kcptun when it is installed (--kcptun): its RSS in the same run,
#     for comparison only (through its port forward, since it has no SOCKS5).
#
# Needs root, curl, python3, sha256sum, ip. Usage:
#   sudo bench/memory.sh [--downloads N] [--attack N] [--after SECONDS] [--overhead MiB] [--kcptun]
#                        [--memory SIZE|none]
# --memory sets limits.memory (default 64MiB); `none` leaves the key out, for builds without it.
# Exit code 0 when every check passed, 1 otherwise. PAQET=path/to/paqet runs another build;
# KEEP_LOGS=1 keeps the work directory (both ends' logs) instead of deleting it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
downloads=300
attack=1000
after=60
overhead=64
with_kcptun=0
memory=64MiB
while [ $# -gt 0 ]; do
    case "$1" in
        --downloads) downloads=$2; shift 2 ;;
        --attack) attack=$2; shift 2 ;;
        --after) after=$2; shift 2 ;;
        --overhead) overhead=$2; shift 2 ;;
        --kcptun) with_kcptun=1; shift ;;
        --memory) memory=$2; shift 2 ;;
        *) echo "usage: $0 [--downloads N] [--attack N] [--after SECONDS] [--overhead MiB] [--kcptun] [--memory SIZE|none]" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "memory: needs root (network namespaces, raw sockets)" >&2; exit 1; }
for tool in curl python3 sha256sum ip; do
    command -v "$tool" >/dev/null || { echo "memory: $tool is not installed" >&2; exit 1; }
done
if [ "$with_kcptun" = 1 ]; then
    command -v kcptun-server >/dev/null && command -v kcptun-client >/dev/null \
        || { echo "memory: --kcptun needs kcptun-server and kcptun-client" >&2; exit 1; }
fi
paqet=${PAQET:-bin/paqet}
[ -x "$paqet" ] || ./build.sh >/dev/null
# 1000 attack connections plus the downloads: the listeners' default connection cap is 80 % of
# the fd limit, which must not be what stops the attack.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge $(( (attack + downloads) * 3 )) ] \
    || { echo "memory: the fd limit $(ulimit -n) is too low for $attack + $downloads connections" >&2; exit 1; }

. "$root/bench/lib/netns.sh"
work=$(mktemp -d /tmp/p4j-memory-XXXXXX)
key=$("$paqet" secret)
failed=0

cleanup() {
    trap - EXIT INT TERM
    touch "$work/stop" 2>/dev/null || true
    netns_pair_delete
    if [ -n "${KEEP_LOGS:-}" ]; then
        rm -rf "$work/dl"
        echo "memory: logs kept in $work" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

netns_pair_create mem m 02:70:34:6b:02

rss() { # pid -> RSS in MiB, or "gone"
    if [ -r "/proc/$1/status" ]; then
        awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
    else
        echo gone
    fi
}

check() { # name, value, limit: prints PASS/FAIL, remembers a failure
    if [ "$2" != gone ] && [ "$2" -le "$3" ]; then
        echo "PASS $1: $2 <= $3"
    else
        echo "FAIL $1: $2 > $3"
        failed=1
    fi
}

# Peak RSS of a pid, sampled every second until the stop file appears; written to $2.
sample_peak() { # pid, output file, stop file
    peak=0
    while [ ! -e "$3" ]; do
        r=$(rss "$1")
        [ "$r" != gone ] && [ "$r" -gt "$peak" ] && peak=$r
        echo "$peak" >"$2"
        sleep 1
    done
}

head -c 1000037 /dev/urandom >"$work/f1"
head -c 8000091 /dev/urandom >"$work/f8"
sha1=$(sha256sum <"$work/f1" | cut -d' ' -f1)
sha8=$(sha256sum <"$work/f8" | cut -d' ' -f1)
# python3's http.server listens with a backlog of 5: 300 connections at once would wait for SYN
# retransmissions past the tunnel server's dial timeout. The same server with a deep backlog:
cat >"$work/web.py" <<'EOF'
import functools, http.server, sys
class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 4096
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[3])
Server((sys.argv[1], int(sys.argv[2])), handler).serve_forever()
EOF
ip netns exec "$ns_s" python3 "$work/web.py" 198.18.0.1 8000 "$work" >"$work/http.log" 2>&1 &

# The fast sender: every connection gets 1 MiB chunks for as long as the peer takes them.
cat >"$work/sender.py" <<'EOF'
import asyncio, os, sys
chunk = os.urandom(1 << 20)
async def serve(reader, writer):
    try:
        while True:
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()
async def main():
    server = await asyncio.start_server(serve, sys.argv[1], int(sys.argv[2]), backlog=4096)
    async with server:
        await server.serve_forever()
asyncio.run(main())
EOF
ip netns exec "$ns_s" python3 "$work/sender.py" 198.18.0.1 9000 >"$work/sender.log" 2>&1 &

# The attacker: N connections (SOCKS5 CONNECT when a SOCKS5 port is given, else straight to a
# forward) to the sender, each reads nothing; writes how many are up, holds them until stop.
cat >"$work/stall.py" <<'EOF'
import os, socket, struct, sys, time
host, port, count, socks, fwd, ready, stop = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7]
held = []
for _ in range(count):
    try:
        if socks:
            s = socket.create_connection(("127.0.0.1", int(socks)), timeout=30)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.sendall(b"\x05\x01\x00")
            s.recv(2)
            s.sendall(b"\x05\x01\x00\x01" + socket.inet_aton(host) + struct.pack(">H", port))
            reply = b""
            while len(reply) < 10:
                c = s.recv(10 - len(reply))
                if not c:
                    break
                reply += c
            if len(reply) < 10 or reply[1] != 0:
                continue
        else:
            s = socket.create_connection(("127.0.0.1", int(fwd)), timeout=30)
        held.append(s)
    except OSError:
        pass
with open(ready, "w") as f:
    f.write("%d\n" % len(held))
while not os.path.exists(stop):
    time.sleep(0.5)
EOF

echo "memory: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $downloads downloads, $attack stalled connections" >&2

limits="limits:\n  memory: $memory\n"
[ "$memory" = none ] && limits=""
kcp="transport:\n  kcp:\n    mode: fast\n    block: aes\n    mtu: 1350\n    sndwnd: 4096\n    rcvwnd: 4096\n    key: \"$key\"\n"
printf 'role: server\nlog:\n  level: warn\nlisten:\n  addr: "198.18.0.1:9999"\nnetwork:\n  carrier: raw\n  interface: %s\n  ipv4:\n    addr: "198.18.0.1:9999"\n    router_mac: "02:70:34:6b:02:02"\n'"$kcp$limits" \
    "$veth_s" >"$work/server.yaml"
printf 'role: client\nlog:\n  level: warn\nserver:\n  addr: "198.18.0.1:9999"\nsocks5:\n  - listen: "127.0.0.1:1080"\nnetwork:\n  carrier: raw\n  interface: %s\n  ipv4:\n    addr: "198.18.0.2:0"\n    router_mac: "02:70:34:6b:02:01"\n'"$kcp$limits" \
    "$veth_c" >"$work/client.yaml"
ip netns exec "$ns_s" "$paqet" run -c "$work/server.yaml" >"$work/server.out" 2>"$work/server.err" &
spid=$!
wait_for "$work/server.out" "listening"
ip netns exec "$ns_c" "$paqet" run -c "$work/client.yaml" >"$work/client.out" 2>"$work/client.err" &
cpid=$!
wait_for "$work/client.out" "1080"
# One download first, so the session is up and both JVMs have loaded the data path's classes.
# Retried: on a loaded host python3 takes seconds to start.
tries=0
until ip netns exec "$ns_s" curl -s --max-time 10 -o /dev/null http://198.18.0.1:8000/f1; do
    tries=$((tries + 1))
    [ $tries -lt 120 ] || { echo "memory: the HTTP server did not come up" >&2; exit 1; }
    sleep 1
done
tries=0
until ip netns exec "$ns_c" curl -s --max-time 60 -o /dev/null --socks5-hostname 127.0.0.1:1080 http://198.18.0.1:8000/f1; do
    tries=$((tries + 1))
    if [ $tries -ge 30 ]; then
        echo "memory: no download through the tunnel after 30 tries" >&2
        tail -5 "$work/server.err" "$work/client.err" >&2
        exit 1
    fi
    sleep 1
done
sleep 10
idle_s=$(rss "$spid")
idle_c=$(rss "$cpid")
echo "idle RSS: server $idle_s MiB, client $idle_c MiB"

# --- 300 concurrent downloads
rm -f "$work/stop"
sample_peak "$spid" "$work/peak_s" "$work/stop" &
sample_peak "$cpid" "$work/peak_c" "$work/stop" &
mkdir "$work/dl"
start=$(date +%s)
# One namespace entry for all of them (hundreds of concurrent `ip netns exec` fail); each curl
# leaves its exit code next to its body.
ip netns exec "$ns_c" bash -c '
    for i in $(seq 1 "$1"); do
        ( rc=0; curl -s --max-time 300 -o "$2/dl/$i" --socks5-hostname 127.0.0.1:1080 \
              http://198.18.0.1:8000/f1 || rc=$?; echo "$rc" >"$2/dl/$i.rc" ) &
    done
    wait' _ "$downloads" "$work"
took=$(( $(date +%s) - start ))
touch "$work/stop"
sleep 1
ok=0
for i in $(seq 1 "$downloads"); do
    [ -f "$work/dl/$i" ] && [ "$(sha256sum <"$work/dl/$i" | cut -d' ' -f1)" = "$sha1" ] && ok=$((ok + 1))
done
codes=$(cat "$work"/dl/*.rc | sort | uniq -c | awk '{ printf "%s%sx exit %s", sep, $1, $2; sep = ", " }')
echo "curl exit codes: $codes"
rm -rf "$work/dl"
echo "downloads: $ok of $downloads intact in ${took}s; peak RSS server $(cat "$work/peak_s") MiB, client $(cat "$work/peak_c") MiB"
check "all $downloads downloads intact" "$((downloads - ok))" 0
sleep "$after"
after_s=$(rss "$spid")
after_c=$(rss "$cpid")
echo "RSS ${after}s after the downloads: server $after_s MiB, client $after_c MiB"
check "server RSS ${after}s after load <= idle + 50 MiB" "$after_s" $((idle_s + 50))
check "client RSS ${after}s after load <= idle + 50 MiB" "$after_c" $((idle_c + 50))

# --- stalled-reader attack
attack_run() { # name, server pid, client pid, SOCKS5 port or "", forward port or "", download URL, curl options
    rm -f "$work/stop" "$work/ready"
    sample_peak "$2" "$work/apeak_s" "$work/stop" &
    sample_peak "$3" "$work/apeak_c" "$work/stop" &
    ip netns exec "$ns_c" python3 "$work/stall.py" 198.18.0.1 9000 "$attack" "$4" "$5" "$work/ready" "$work/stop" &
    i=0
    until [ -s "$work/ready" ] || [ $i -gt 1200 ]; do sleep 0.5; i=$((i + 1)); done
    held=$(cat "$work/ready" 2>/dev/null || echo 0)
    # Let the senders fill whatever the windows allow.
    sleep 15
    rc=0
    # shellcheck disable=SC2086
    ip netns exec "$ns_c" curl -s --max-time 300 -o "$work/during" $7 "$6" || rc=$?
    got=$(sha256sum <"$work/during" | cut -d' ' -f1)
    sleep 5
    touch "$work/stop"
    sleep 2
    echo "$1 attack: $held stalled connections held; 8 MB download during it: curl exit $rc, $(wc -c <"$work/during") bytes; peak RSS server $(cat "$work/apeak_s") MiB, client $(cat "$work/apeak_c") MiB"
    [ "$got" = "$sha8" ]
}
if attack_run paqet4j "$spid" "$cpid" 1080 "" http://198.18.0.1:8000/f8 "--socks5-hostname 127.0.0.1:1080"; then
    echo "PASS download during the attack intact"
else
    echo "FAIL download during the attack intact"
    failed=1
fi
check "server peak RSS in the attack <= idle + 64 MiB + ${overhead} MiB overhead" "$(cat "$work/apeak_s")" $((idle_s + 64 + overhead))
echo "paqet4j client peak RSS in the attack: $(cat "$work/apeak_c") MiB (idle $idle_c)"
kill -TERM "$spid" "$cpid"
wait "$spid" "$cpid" 2>/dev/null || true

if [ "$with_kcptun" = 1 ]; then
    kcptun_opts="--key $key --crypt aes --mode fast --mtu 1350 --sndwnd 4096 --rcvwnd 4096 --nocomp --datashard 0 --parityshard 0 --quiet"
    # shellcheck disable=SC2086
    ip netns exec "$ns_s" kcptun-server -l 198.18.0.1:29900 -t 198.18.0.1:9000 $kcptun_opts >"$work/ks.log" 2>&1 &
    kspid=$!
    # shellcheck disable=SC2086
    ip netns exec "$ns_s" kcptun-server -l 198.18.0.1:29901 -t 198.18.0.1:8000 $kcptun_opts >"$work/ks2.log" 2>&1 &
    ks2pid=$!
    # shellcheck disable=SC2086
    ip netns exec "$ns_c" kcptun-client -l 127.0.0.1:18000 -r 198.18.0.1:29900 $kcptun_opts >"$work/kc.log" 2>&1 &
    kcpid=$!
    # shellcheck disable=SC2086
    ip netns exec "$ns_c" kcptun-client -l 127.0.0.1:18001 -r 198.18.0.1:29901 $kcptun_opts >"$work/kc2.log" 2>&1 &
    kc2pid=$!
    sleep 2
    kidle_s=$(rss "$kspid")
    kidle_c=$(rss "$kcpid")
    attack_run kcptun "$kspid" "$kcpid" "" 18000 http://127.0.0.1:18001/f8 "" || echo "kcptun: download during the attack was not intact"
    echo "kcptun idle RSS: server $kidle_s MiB, client $kidle_c MiB (attack through its forward; the download through a second, idle pair)"
    kill -TERM "$kspid" "$kcpid" "$ks2pid" "$kc2pid"
    wait "$kspid" "$kcpid" "$ks2pid" "$kc2pid" 2>/dev/null || true
fi

echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$failed" != 0 ]; then
    for log in server.err client.err; do
        [ -s "$work/$log" ] && { echo "memory: the last lines of paqet4j's $log:" >&2; tail -5 "$work/$log" >&2; }
    done
fi
exit "$failed"
