# Two network namespaces joined by a veth pair, for the benchmark scripts (sourced, POSIX sh):
# server side 198.18.0.1/24, client side 198.18.0.2/24 (198.18.0.0/15 is the benchmarking range,
# never routed), fixed MACs so configurations can name the peer's.
#
#   . bench/lib/netns.sh
#   netns_pair_create bench b 02:70:34:6b:00   # sets ns_s ns_c veth_s veth_c; MACs ...:01 and ...:02
#   netns_pair_delete                          # in the EXIT trap: ends what runs inside, deletes both
#
# Names carry 6 random hex digits so that runs never collide: p4j-AREA-ID-s / -c, veths p4jLETTERIDs / c.

netns_pair_create() { # area, letter, MAC prefix (five octets)
    netns_id=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
    ns_s=p4j-$1-$netns_id-s
    ns_c=p4j-$1-$netns_id-c
    veth_s=p4j$2${netns_id}s
    veth_c=p4j$2${netns_id}c
    ip netns add "$ns_s"
    ip netns add "$ns_c"
    # created straight inside the namespaces: nothing appears in the host's
    ip link add name "$veth_s" netns "$ns_s" type veth peer name "$veth_c" netns "$ns_c"
    ip -n "$ns_s" link set dev "$veth_s" address "$3:01"
    ip -n "$ns_c" link set dev "$veth_c" address "$3:02"
    ip -n "$ns_s" addr add 198.18.0.1/24 dev "$veth_s"
    ip -n "$ns_c" addr add 198.18.0.2/24 dev "$veth_c"
    for netns_side in "$ns_s $veth_s" "$ns_c $veth_c"; do
        # shellcheck disable=SC2086
        set -- $netns_side
        ip -n "$1" link set dev "$2" up
        ip -n "$1" link set dev lo up
    done
}

netns_pair_delete() { # TERM to everything inside, a second to exit, then KILL and delete
    for ns in ${ns_s:-} ${ns_c:-}; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
    done
    sleep 1
    for ns in ${ns_s:-} ${ns_c:-}; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
    done
}

wait_for() { # file, pattern: wait up to 30 s for a line; else show the process's files and exit 1
    netns_tries=0
    until grep -q "$2" "$1" 2>/dev/null; do
        netns_tries=$((netns_tries + 1))
        if [ $netns_tries -gt 300 ]; then
            echo "$(basename "$0" .sh): no '$2' in $1:" >&2
            for f in "$1" "${1%.out}.err" "${1%.out}.yaml"; do [ -r "$f" ] && cat "$f" >&2; done
            exit 1
        fi
        sleep 0.1
    done
}
