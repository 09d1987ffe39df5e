#!/bin/sh
# End-to-end tunnel throughput between two network namespaces joined by a veth pair
# (198.18.0.0/15), measured with iperf3 (client side sends to the server side):
#   direct          iperf3 straight over the veth pair
#   paqet4j raw     a paqet4j TCP forward over the raw TCP carrier (defaults: smux v2, streambuf 2 MiB),
#                   and again with an 8 MiB stream window (smuxbuf 16 MiB)
#   paqet4j udp     the UDP carrier with the 8 MiB stream window, and again with the status
#                   endpoint on at both ends, /metrics (both) and /status (client) fetched every second
#                   over kept-alive connections by bench/lib/status-scraper.py (one python3 process per
#                   namespace, as one Prometheus would); STATUS_EVERY=15 scrapes every 15 s (Prometheus'
#                   default), STATUS_PATHS=status fetches only the client's /status (an open dashboard),
#                   STATUS_FIRST=1 runs the status pair before its baseline
#   paqet4j raw, smux v1  the raw carrier without smux v2's stream window (paqet4j at both ends)
#   paqet4j kcptun  paqet4j at both ends in kcptun mode (UDP, smux v1)
#   kcptun          kcptun-client / kcptun-server 20210922
#   ..., snappy     kcptun mode and kcptun with compression on (kcptun's default), once with
#                   iperf3's random payload (incompressible) and once with --repeating-payload
#                   (a repeating digit pattern: text-like, compressible)
# All tunnels use the same cipher class (aes-128), mode fast, windows 4096/4096, MTU 1350, no FEC,
# no compression unless the name says snappy. CPU seconds per side are utime+stime from /proc/PID/stat of the tunnel
# processes over the measured run (after a short warm-up run). Allocated bytes per relayed byte
# ("alloc B/B") is what the JVM's threads allocated over the measured run (jcmd Thread.print -e,
# summed over threads; virtual threads count on their carriers) divided by the bytes iperf3 moved:
# a data path that allocates per packet shows up here long before it shows up in RSS.
#
# Needs root, iperf3 and kcptun. Usage:
#   sudo bench/tunnel-bench.sh [-t SECONDS] [--loss PERCENT] [--delay MS] [--only TEXT] [--sweep] [--conns]
# --only runs just the paths whose name contains TEXT (and the direct baseline).
# --sweep replaces the paths above by the KCP preset sweep: for each of normal, fast, fast2 and
# fast3, paqet4j (raw carrier) and kcptun with identical settings (the preset, aes-128, MTU 1350,
# windows 4096, no FEC, no compression, smux v2 with 8 MiB streams), each measured cold (fresh
# processes, no warm-up) and warm (after the 3 s warm-up run). fast2 and fast3 acknowledge every
# datagram at once (paqet's presets), so kcptun gets --acknodelay there; the "-ackdelay" rows run
# both without it (kcptun's own preset; paqet4j in manual mode with the same knobs).
# --loss/--delay need the kernel's sch_netem (tc qdisc ... netem), which some kernels lack: the
# script stops with a message then (paqet demo --loss/--delay and the tests impair with the lab
# bridge instead).
# --conns replaces them by the multi-core check: 4 parallel iperf3 streams (-P 4) through paqet4j
# (raw carrier, mode fast) with transport.conn 1 and 2, and through kcptun with --conn 1 and 2:
# streams are spread over the tunnel connections, each with its own KCP session and timers.
# Set JFR=1 to record both sides of the raw run with an 8 MiB stream window with Flight Recorder
# (files are kept, names printed); with --sweep, both sides of every paqet4j run of the sweep.
# With --sweep every paqet4j run has the status endpoint on (read once, after the measured run)
# and its KCP counters are printed below the tables: datagrams sent, RTO and fast retransmits,
# srtt of the sending side.
# Set PAQET=/path/to/bin/paqet to measure another build (e.g. a copy of bin/ built before a change)
# against this script's kcptun in the same session.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=10
loss=""
delay=""
only=""
sweep=0
conns=0
while [ $# -gt 0 ]; do
    case "$1" in
        -t) seconds=$2; shift 2 ;;
        --loss) loss=$2; shift 2 ;;
        --delay) delay=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        --conns) conns=1; shift ;;
        --sweep) sweep=1; shift ;;
        *) echo "usage: $0 [-t SECONDS] [--loss PERCENT] [--delay MS] [--only TEXT] [--sweep] [--conns]" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "tunnel-bench: needs root (network namespaces, raw sockets)" >&2; exit 1; }
for tool in iperf3 kcptun-client kcptun-server ip; do
    command -v "$tool" >/dev/null || { echo "tunnel-bench: $tool is not installed" >&2; exit 1; }
done
paqet=${PAQET:-$root/bin/paqet}
[ "$paqet" != "$root/bin/paqet" ] || [ -x bin/paqet ] || ./build.sh >/dev/null

. "$root/bench/lib/netns.sh"
work=$(mktemp -d /tmp/p4j-bench-XXXXXX)
hz=$(getconf CLK_TCK)
key=$("$paqet" secret)
jcmd="$(scripts/jdk25)/bin/jcmd"

cleanup() {
    trap - EXIT INT TERM
    netns_pair_delete
    case "${JFR:-0}" in 1) ;; *) rm -rf "$work" ;; esac
}
trap cleanup EXIT
trap 'exit 130' INT TERM

netns_pair_create bench b 02:70:34:6b:00
if [ -n "$loss$delay" ]; then
    for side in "$ns_s $veth_s" "$ns_c $veth_c"; do
        # shellcheck disable=SC2086
        set -- $side
        # shellcheck disable=SC2086
        ip netns exec "$1" tc qdisc add dev "$2" root netem ${delay:+delay ${delay}ms} ${loss:+loss ${loss}%} || {
            echo "tunnel-bench: --loss/--delay need sch_netem, which this kernel does not have" >&2
            exit 1
        }
    done
fi

ip netns exec "$ns_s" iperf3 -s -B 198.18.0.1 -p 5201 >"$work/iperf3-server.log" 2>&1 &

cpu_ticks() { # utime + stime of pid $1
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

allocated() { # pid: bytes its live Java threads allocated so far; 0 if it is not a JVM
    # never jcmd anything else: attaching sends SIGQUIT, which ends a Go program such as kcptun
    case "$(readlink "/proc/$1/exe" 2>/dev/null)" in */java) ;; *) echo 0; return 0 ;; esac
    "$jcmd" "$1" Thread.print -e 2>/dev/null | awk '
        match($0, / allocated=[0-9]+[BKMG]/) {
            v = substr($0, RSTART + 11, RLENGTH - 11); u = substr(v, length(v)); v = substr(v, 1, length(v) - 1)
            total += v * (u == "K" ? 1024 : u == "M" ? 1048576 : u == "G" ? 1073741824 : 1)
        }
        END { printf "%.0f\n", total }'
}

status_every=${STATUS_EVERY:-1}
status_paths=${STATUS_PATHS:-all}

selected() { # name: whether --only lets this path run
    case "$1" in *"$only"*) return 0 ;; *) return 1 ;; esac
}

iperf_extra="" # extra iperf3 client options for the next measure (--repeating-payload, -P N)
iperf() { # port, seconds -> Mbit/s received (the [SUM] line's with parallel streams)
    # shellcheck disable=SC2086
    ip netns exec "$ns_c" iperf3 -c "$1" -p "$2" -t "$3" -f m $iperf_extra 2>&1 | tee -a "$work/iperf3-client.log" |
        awk '/receiver/ { last = $(NF-2) } /SUM.*receiver/ { sum = $(NF-2) } END { if (sum != "") print sum; else if (last != "") print last }'
}

results="$work/results"
: >"$results"
counters="$work/counters"
: >"$counters"
warmup=1
measure() { # name, target host, port, server pid, client pid (warm-up run first unless warmup=0)
    [ "$warmup" = 1 ] && iperf "$2" "$3" 3 >/dev/null # warm-up (JIT, windows)
    s0=0; c0=0; sa0=0; ca0=0
    [ -n "$4" ] && s0=$(cpu_ticks "$4") && c0=$(cpu_ticks "$5") && sa0=$(allocated "$4") && ca0=$(allocated "$5")
    mbit=$(iperf "$2" "$3" "$seconds")
    if [ -z "$mbit" ]; then
        # iperf3 sometimes finds its server still busy with the previous test: one retry.
        echo "  $1: iperf3 failed ($(grep -i error "$work/iperf3-client.log" | tail -1)); retrying" >&2
        sleep 2
        [ -n "$4" ] && s0=$(cpu_ticks "$4") && c0=$(cpu_ticks "$5") && sa0=$(allocated "$4") && ca0=$(allocated "$5")
        mbit=$(iperf "$2" "$3" "$seconds")
    fi
    s1=0; c1=0; sa1=0; ca1=0
    [ -n "$4" ] && s1=$(cpu_ticks "$4") && c1=$(cpu_ticks "$5") && sa1=$(allocated "$4") && ca1=$(allocated "$5")
    echo "$1|$mbit|$(( s1 - s0 ))|$(( c1 - c0 ))|$(( sa1 - sa0 ))|$(( ca1 - ca0 ))" >>"$results"
    echo "  $1: $mbit Mbit/s" >&2
}

network_raw() { # side address, peer MAC, port, interface
    printf 'network:\n  carrier: raw\n  interface: %s\n  ipv4:\n    addr: "%s:%s"\n    router_mac: "%s"\n' "$4" "$1" "$3" "$2"
}

paqet_in() { # namespace, extra JVM options, file prefix: $paqet run -c PREFIX.yaml in the background
    if [ -n "$2" ]; then
        # PAQET_JAVA_OPTS replaces the launcher's defaults: repeat them with the extra flags.
        defaults=$(sed -n 's/^PAQET_DEFAULT_JAVA_OPTS="\(.*\)"$/\1/p' "$paqet")
        PAQET_JAVA_OPTS="$defaults $2" ip netns exec "$1" "$paqet" run -c "$3.yaml" >"$3.out" 2>"$3.err" &
    else
        ip netns exec "$1" "$paqet" run -c "$3.yaml" >"$3.out" 2>"$3.err" &
    fi
}

kcp_mode=fast
paqet_conn=1
kcptun_conn=1
paqet_pair() { # name, carrier (raw|udp|kcptun), "jfr" to record both sides, extra transport.kcp lines, "status" or "snappy"
    selected "$1" || return 0
    name=$1
    mode=$2
    more=${4:-}
    case "$mode" in
        raw)
            net_s=$(network_raw 198.18.0.1 02:70:34:6b:00:02 9999 "$veth_s")
            net_c=$(network_raw 198.18.0.2 02:70:34:6b:00:01 0 "$veth_c")
            ;;
        *)
            net_s=$(printf 'network:\n  carrier: udp\n  ipv4:\n    addr: "198.18.0.1:9999"\n')
            net_c=$(printf 'network:\n  carrier: udp\n  ipv4:\n    addr: "198.18.0.2:0"\n')
            ;;
    esac
    kcp="transport:\n  conn: $paqet_conn\n  kcp:\n    mode: $kcp_mode\n    block: aes-128\n    mtu: 1350\n    sndwnd: 4096\n    rcvwnd: 4096\n$more    key: \"$key\"\n"
    if [ "$mode" = kcptun ]; then
        # kcptun mode defaults to kcptun's FEC 10/3 and compression: both off unless asked for
        kcp="transport:\n  kcp:\n    mode: fast\n    block: aes-128\n    mtu: 1350\n    sndwnd: 4096\n    rcvwnd: 4096\n    dshard: 0\n    pshard: 0\n    smuxver: 1\n    key: \"$key\"\n"
        nocomp=true
        [ "${5:-}" = snappy ] && nocomp=false
        extra_s="kcptun:\n  target: \"198.18.0.1:5201\"\n  nocomp: $nocomp\n"
        extra_c="kcptun:\n  listen: \"127.0.0.1:15201\"\n  nocomp: $nocomp\n"
    else
        extra_s=''
        extra_c='forward:\n  - listen: "127.0.0.1:15201"\n    target: "198.18.0.1:5201"\n    protocol: tcp\n'
    fi
    if [ "${5:-}" = status ] || [ "${5:-}" = counters ]; then
        extra_s="${extra_s}status:\n  listen: \"127.0.0.1:9090\"\n"
        extra_c="${extra_c}status:\n  listen: \"127.0.0.1:9090\"\n"
    fi
    printf "role: server\nlog:\n  level: warn\nlisten:\n  addr: \"198.18.0.1:9999\"\n%s\n$kcp$extra_s" "$net_s" >"$work/$name-server.yaml"
    printf "role: client\nlog:\n  level: warn\nserver:\n  addr: \"198.18.0.1:9999\"\n%s\n$kcp$extra_c" "$net_c" >"$work/$name-client.yaml"
    jfr_s=""
    jfr_c=""
    if [ "$3" = jfr ]; then
        jfr_name=$mode
        [ "$sweep" = 1 ] && jfr_name=$(printf '%s' "$name" | tr -c 'a-zA-Z0-9-' '_')
        jfr_s="-XX:StartFlightRecording=filename=$work/$jfr_name-server.jfr,settings=profile"
        jfr_c="-XX:StartFlightRecording=filename=$work/$jfr_name-client.jfr,settings=profile"
    fi
    paqet_in "$ns_s" "$jfr_s" "$work/$name-server"
    spid=$!
    paqet_in "$ns_c" "$jfr_c" "$work/$name-client"
    cpid=$!
    wait_for "$work/$name-server.out" "listening"
    wait_for "$work/$name-client.out" "15201"
    scraper=""
    if [ "${5:-}" = status ]; then
        # What Prometheus and an open dashboard do: one long-lived scraper per namespace holding a
        # kept-alive connection (as Prometheus does), not a curl process per request, which would
        # measure fork/exec on a small machine rather than the tunnel.
        if [ "$status_paths" = all ]; then
            ip netns exec "$ns_s" python3 bench/lib/status-scraper.py "$status_every" \
                http://127.0.0.1:9090/metrics 2>>"$work/scraper.log" &
            scraper="$!"
            ip netns exec "$ns_c" python3 bench/lib/status-scraper.py "$status_every" \
                http://127.0.0.1:9090/metrics http://127.0.0.1:9090/status 2>>"$work/scraper.log" &
        else
            ip netns exec "$ns_c" python3 bench/lib/status-scraper.py "$status_every" \
                http://127.0.0.1:9090/status 2>>"$work/scraper.log" &
        fi
        scraper="$scraper $!"
    fi
    measure "$name" 127.0.0.1 15201 "$spid" "$cpid"
    # shellcheck disable=SC2086
    [ -n "$scraper" ] && kill $scraper 2>/dev/null && wait $scraper 2>/dev/null
    if [ "${5:-}" = counters ]; then
        # The client sends (iperf3 -c), so its retransmit counters are the ones that matter.
        for side in "client $ns_c" "server $ns_s"; do
            # shellcheck disable=SC2086
            set -- $side
            ip netns exec "$2" curl -s http://127.0.0.1:9090/metrics | awk -v n="$name" -v side="$1" '
                /^paqet_carrier_packets_sent_total/ { sent = $NF }
                /^paqet_carrier_packets_received_total/ { received = $NF }
                /^paqet_kcp_retransmits_total.*kind="rto"/ { rto = $NF }
                /^paqet_kcp_retransmits_total.*kind="fast"/ { fast = $NF }
                /^paqet_kcp_retransmits_total.*kind="early"/ { early = $NF }
                END { printf "%s|%s|%d|%d|%d|%d|%d\n", n, side, sent, received, rto, fast, early }' >>"$counters"
        done
    fi
    kill -TERM "$spid" "$cpid"
    wait "$spid" "$cpid" 2>/dev/null || true
}

kcptun_pair() { # name, extra kcptun options (after the common ones)
    selected "$1" || return 0
    # shellcheck disable=SC2086
    ip netns exec "$ns_s" kcptun-server -l 198.18.0.1:29900 -t 198.18.0.1:5201 $kcptun_opts $2 >"$work/kcptun-server.log" 2>&1 &
    kspid=$!
    # shellcheck disable=SC2086
    ip netns exec "$ns_c" kcptun-client -l 127.0.0.1:15202 -r 198.18.0.1:29900 --conn "$kcptun_conn" $kcptun_opts $2 >"$work/kcptun-client.log" 2>&1 &
    kcpid=$!
    sleep 1
    measure "$1" 127.0.0.1 15202 "$kspid" "$kcpid"
    kill -TERM "$kspid" "$kcpid"
    wait "$kspid" "$kcpid" 2>/dev/null || true
}
kcptun_opts="--key $key --crypt aes-128 --mtu 1350 --sndwnd 4096 --rcvwnd 4096 --datashard 0 --parityshard 0 --quiet"

echo "tunnel-bench: $(nproc) cores, ${seconds}s per run${loss:+, loss $loss% each way}${delay:+, delay ${delay}ms each way}" >&2
measure "direct (veth)" 198.18.0.1 5201 "" ""

# smux v2 lets a stream have at most streambuf bytes unacknowledged; 2 MiB (the default, as in
# kcptun) caps one stream at streambuf / RTT, and KCP's RTT grows under a full send window.
big_streams="    smuxbuf: 16777216\n    streambuf: 8388608\n"
if [ "$conns" = 1 ]; then
    iperf_extra="-P 4"
    for n in 1 2; do
        paqet_conn=$n
        kcptun_conn=$n
        paqet_pair "paqet4j raw, conn $n, 4 streams" raw "" "$big_streams"
        kcptun_pair "kcptun 20210922, conn $n, 4 streams" "--mode fast --nocomp --smuxver 2 --smuxbuf 16777216 --streambuf 8388608"
    done
    paqet_conn=1
    kcptun_conn=1
    iperf_extra=""
elif [ "$sweep" = 1 ]; then
    kcptun_smux="--nocomp --smuxver 2 --smuxbuf 16777216 --streambuf 8388608"
    jfr=""
    [ "${JFR:-0}" = 1 ] && jfr=jfr
    for preset in normal fast fast2 fast3; do
        for warmth in cold warm; do
            [ "$warmth" = cold ] && warmup=0 || warmup=1
            kcp_mode=$preset
            paqet_pair "$preset $warmth: paqet4j raw" raw "$jfr" "$big_streams" counters
            case "$preset" in
                fast2 | fast3)
                    # paqet's fast2/fast3 acknowledge every datagram at once; kcptun's presets do
                    # not (its --acknodelay is a flag of its own): identical settings need the flag,
                    # and the "-ackdelay" rows compare both without it (paqet4j in manual mode)
                    kcptun_pair "$preset $warmth: kcptun 20210922" "--mode $preset --acknodelay $kcptun_smux"
                    interval=10
                    [ "$preset" = fast2 ] && interval=20
                    kcp_mode=manual
                    paqet_pair "$preset-ackdelay $warmth: paqet4j raw" raw "$jfr" \
                        "$big_streams    nodelay: 1\n    interval: $interval\n    resend: 2\n    nocongestion: 1\n    acknodelay: false\n" counters
                    kcptun_pair "$preset-ackdelay $warmth: kcptun 20210922" "--mode $preset $kcptun_smux"
                    ;;
                *)
                    kcptun_pair "$preset $warmth: kcptun 20210922" "--mode $preset $kcptun_smux"
                    ;;
            esac
        done
    done
    kcp_mode=fast
else
    jfr=""
    [ "${JFR:-0}" = 1 ] && jfr=jfr
    paqet_pair "paqet4j raw" raw ""
    paqet_pair "paqet4j raw, streambuf 8 MiB" raw "$jfr" "$big_streams"
    # STATUS_FIRST=1 measures the status pair before its baseline: alternate it between runs, so
    # that whatever the second pair of a run suffers is not counted against the status endpoint.
    status_label="paqet4j udp, streambuf 8 MiB, status scraped every ${status_every} s ($status_paths)"
    [ "${STATUS_FIRST:-0}" = 1 ] && paqet_pair "$status_label" udp "" "$big_streams" status
    paqet_pair "paqet4j udp, streambuf 8 MiB" udp "" "$big_streams"
    [ "${STATUS_FIRST:-0}" = 1 ] || paqet_pair "$status_label" udp "" "$big_streams" status
    # smux v1 has no stream window (paqet itself speaks only v2): the carrier's own ceiling.
    paqet_pair "paqet4j raw, smux v1" raw "" "    smuxver: 1\n"
    paqet_pair "paqet4j kcptun mode" kcptun ""
    kcptun_pair "kcptun 20210922" "--mode fast --nocomp"

    # compression: incompressible (iperf3's random payload), then compressible (--repeating-payload)
    paqet_pair "paqet4j kcptun mode, snappy, random" kcptun "" "" snappy
    kcptun_pair "kcptun 20210922, snappy, random" "--mode fast"
    iperf_extra=--repeating-payload
    paqet_pair "paqet4j kcptun mode, snappy, text" kcptun "" "" snappy
    kcptun_pair "kcptun 20210922, snappy, text" "--mode fast"
    iperf_extra=""
fi

echo
echo "| path | Mbit/s | server CPU s | client CPU s | CPU s per GB (both sides) | server alloc B/B | client alloc B/B |"
echo "|---|---:|---:|---:|---:|---:|---:|"
while IFS='|' read -r name mbit sticks cticks salloc calloc; do
    awk -v n="$name" -v m="$mbit" -v s="$sticks" -v c="$cticks" -v hz="$hz" -v t="$seconds" \
        -v sa="$salloc" -v ca="$calloc" 'BEGIN {
        gb = m * t / 8 / 1000;
        bytes = m * 1e6 / 8 * t;
        if (n ~ /direct/) { printf "| %s | %s | - | - | - | - | - |\n", n, m; exit }
        if (n ~ /kcptun 2021/ || bytes <= 0) { as = "-"; ac = "-" }
        else { as = sprintf("%.3f", sa / bytes); ac = sprintf("%.3f", ca / bytes) }
        printf "| %s | %s | %.2f | %.2f | %.2f | %s | %s |\n", n, m, s / hz, c / hz, (gb > 0 ? (s + c) / hz / gb : 0), as, ac }' </dev/null
done <"$results"
if [ "$sweep" = 1 ]; then
    echo
    echo "| preset | paqet4j / kcptun, cold | paqet4j / kcptun, warm | CPU s per GB, paqet4j / kcptun (warm) |"
    echo "|---|---:|---:|---:|"
    awk -F'|' -v hz="$hz" -v t="$seconds" '
        { split($1, w, /[ :]+/); key = w[1] " " w[2]; impl = ($1 ~ /kcptun 2021/) ? "k" : "p"
          mbit[key, impl] = $2; gb = $2 * t / 8 / 1000; cpu[key, impl] = gb > 0 ? ($3 + $4) / hz / gb : 0 }
        END { n = split("normal fast fast2 fast2-ackdelay fast3 fast3-ackdelay", presets, " ")
          for (i = 1; i <= n; i++) { p = presets[i]
            printf "| %s | %s | %s | %s |\n", p, ratio(mbit[p " cold", "p"], mbit[p " cold", "k"]),
                ratio(mbit[p " warm", "p"], mbit[p " warm", "k"]), ratio(cpu[p " warm", "p"], cpu[p " warm", "k"]) } }
        function ratio(a, b) { return (a > 0 && b > 0) ? sprintf("%.2fx", a / b) : "-" }' "$results"
fi
if [ -s "$counters" ]; then
    echo
    echo "| path | side | carrier packets sent | received | KCP retransmits: RTO | fast | early |"
    echo "|---|---|---:|---:|---:|---:|---:|"
    awk -F'|' '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7 }' "$counters"
fi
if [ "${JFR:-0}" = 1 ]; then
    if [ "$sweep" = 1 ]; then
        echo "JFR recordings of the paqet4j runs: $work/*.jfr" >&2
    else
        echo "JFR recordings of the paqet4j raw run (8 MiB streams): $work/raw-server.jfr $work/raw-client.jfr" >&2
    fi
fi
exit 0
