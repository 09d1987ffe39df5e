/*
 * rawref: the smallest C raw-socket sender and receiver that do the work paqet4j's raw carrier
 * does per packet, as the yardstick bench/packet-pps.sh measures the carrier against.
 *
 *   rawref send IFACE DST_MAC SRC_IP DST_IP DST_PORT SIZE SECONDS BATCH
 *   rawref recv IFACE DST_PORT SECONDS BATCH
 *
 * send: builds Ethernet + IPv4 + TCP (PSH|ACK, 20-byte header) frames around a SIZE-byte payload,
 * copies the payload into the frame and computes the IPv4 and TCP checksums for every packet (as
 * the carrier must: its payloads differ), and sends BATCH frames per sendmmsg on an AF_PACKET
 * SOCK_RAW socket bound to IFACE. recv: an AF_PACKET socket bound to IFACE for IPv4 reads BATCH
 * frames per recvmmsg and counts the TCP segments to DST_PORT after checking the IPv4 header.
 * Both print one line: packets and packets per second over SECONDS, CPU time per packet.
 *
 * Build: cc -O2 -o rawref bench/rawref.c   (Linux only; needs CAP_NET_RAW)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 256
#define FRAME_MAX 9216

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum) {
    for (; n > 1; p += 2, n -= 2) sum += (uint32_t)p[0] << 8 | p[1];
    if (n) sum += (uint32_t)p[0] << 8;
    return sum;
}

static uint16_t fold(uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static int open_packet_socket(const char *iface, int protocol) {
    int fd = socket(AF_PACKET, SOCK_RAW, htons(protocol));
    if (fd < 0) {
        perror("rawref: socket(AF_PACKET) (needs CAP_NET_RAW)");
        exit(1);
    }
    struct sockaddr_ll ll = {0};
    ll.sll_family = AF_PACKET;
    ll.sll_protocol = htons(protocol);
    ll.sll_ifindex = (int)if_nametoindex(iface);
    if (ll.sll_ifindex == 0 || bind(fd, (struct sockaddr *)&ll, sizeof ll) < 0) {
        fprintf(stderr, "rawref: bind to %s: %s\n", iface, strerror(errno));
        exit(1);
    }
    int buffer = 8 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer);
    buffer = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buffer, sizeof buffer);
    return fd;
}

static void parse_mac(const char *text, uint8_t mac[6]) {
    if (sscanf(text, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4], &mac[5]) != 6) {
        fprintf(stderr, "rawref: not a MAC address: %s\n", text);
        exit(2);
    }
}

static int send_main(char **argv) {
    const char *iface = argv[0];
    uint8_t dst_mac[6];
    parse_mac(argv[1], dst_mac);
    struct in_addr src, dst;
    if (inet_pton(AF_INET, argv[2], &src) != 1 || inet_pton(AF_INET, argv[3], &dst) != 1) {
        fprintf(stderr, "rawref: bad IPv4 address\n");
        return 2;
    }
    int dport = atoi(argv[4]), size = atoi(argv[5]), seconds = atoi(argv[6]), batch = atoi(argv[7]);
    if (size < 1 || size > FRAME_MAX - 54 || batch < 1 || batch > MAX_BATCH || seconds < 1) {
        fprintf(stderr, "rawref: size 1..%d, batch 1..%d, seconds >= 1\n", FRAME_MAX - 54, MAX_BATCH);
        return 2;
    }
    int fd = open_packet_socket(iface, ETH_P_IP);
    struct sockaddr_ll to = {0};
    to.sll_family = AF_PACKET;
    to.sll_ifindex = (int)if_nametoindex(iface);
    to.sll_halen = 6;
    memcpy(to.sll_addr, dst_mac, 6);

    static uint8_t frames[MAX_BATCH][FRAME_MAX];
    static uint8_t payload[FRAME_MAX];
    for (int i = 0; i < size; i++) payload[i] = (uint8_t)(i * 31);
    struct mmsghdr msgs[MAX_BATCH];
    struct iovec iov[MAX_BATCH];
    int frame_len = 14 + 20 + 20 + size;
    for (int i = 0; i < batch; i++) {
        iov[i].iov_base = frames[i];
        iov[i].iov_len = (size_t)frame_len;
        memset(&msgs[i], 0, sizeof msgs[i]);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &to;
        msgs[i].msg_hdr.msg_namelen = sizeof to;
    }
    uint32_t seq = 1;
    long long sent = 0, errors = 0;
    double cpu0 = cpu_seconds(), start = now(), end = start + seconds;
    while (now() < end) {
        for (int i = 0; i < batch; i++) {
            uint8_t *f = frames[i];
            memcpy(f, dst_mac, 6);
            memset(f + 6, 0x02, 6);
            f[12] = 0x08, f[13] = 0x00;
            uint8_t *ip = f + 14;
            memset(ip, 0, 20);
            ip[0] = 0x45;
            uint16_t total = (uint16_t)(40 + size);
            ip[2] = (uint8_t)(total >> 8), ip[3] = (uint8_t)total;
            ip[6] = 0x40; /* DF */
            ip[8] = 64, ip[9] = IPPROTO_TCP;
            memcpy(ip + 12, &src, 4);
            memcpy(ip + 16, &dst, 4);
            uint16_t ipsum = fold(sum16(ip, 20, 0));
            ip[10] = (uint8_t)(ipsum >> 8), ip[11] = (uint8_t)ipsum;
            uint8_t *tcp = ip + 20;
            memset(tcp, 0, 20);
            tcp[0] = 42001 >> 8, tcp[1] = 42001 & 0xff;
            tcp[2] = (uint8_t)(dport >> 8), tcp[3] = (uint8_t)dport;
            tcp[4] = (uint8_t)(seq >> 24), tcp[5] = (uint8_t)(seq >> 16), tcp[6] = (uint8_t)(seq >> 8), tcp[7] = (uint8_t)seq;
            seq += (uint32_t)size;
            tcp[12] = 5 << 4, tcp[13] = 0x18; /* PSH|ACK */
            tcp[14] = 0xff, tcp[15] = 0xff;
            memcpy(tcp + 20, payload, (size_t)size);
            uint32_t pseudo = sum16(ip + 12, 8, 0) + IPPROTO_TCP + (uint32_t)(20 + size);
            uint16_t tcpsum = fold(sum16(tcp, (size_t)(20 + size), pseudo));
            tcp[16] = (uint8_t)(tcpsum >> 8), tcp[17] = (uint8_t)tcpsum;
        }
        int n = sendmmsg(fd, msgs, (unsigned)batch, 0);
        if (n < 0) {
            errors++;
            continue;
        }
        sent += n;
    }
    double elapsed = now() - start, cpu = cpu_seconds() - cpu0;
    printf("C rawref   IPv4 batch %2d    size %4d: sent %9.0f pkt/s; CPU per packet: sender %5.0f ns; send errors %lld\n",
           batch, size, sent / elapsed, cpu * 1e9 / (sent ? sent : 1), errors);
    return 0;
}

static int recv_main(char **argv) {
    const char *iface = argv[0];
    int dport = atoi(argv[1]), seconds = atoi(argv[2]), batch = atoi(argv[3]);
    if (batch < 1 || batch > MAX_BATCH || seconds < 1) {
        fprintf(stderr, "rawref: batch 1..%d, seconds >= 1\n", MAX_BATCH);
        return 2;
    }
    int fd = open_packet_socket(iface, ETH_P_IP);
    struct timeval timeout = {0, 100000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    static uint8_t frames[MAX_BATCH][FRAME_MAX];
    struct mmsghdr msgs[MAX_BATCH];
    struct iovec iov[MAX_BATCH];
    for (int i = 0; i < batch; i++) {
        iov[i].iov_base = frames[i];
        iov[i].iov_len = FRAME_MAX;
        memset(&msgs[i], 0, sizeof msgs[i]);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    /* one second of warm-up, as the Java benchmark does */
    double warm = now() + 1;
    while (now() < warm) recvmmsg(fd, msgs, (unsigned)batch, 0, NULL);
    long long received = 0;
    double cpu0 = cpu_seconds(), start = now(), end = start + seconds;
    while (now() < end) {
        int n = recvmmsg(fd, msgs, (unsigned)batch, 0, NULL);
        for (int i = 0; i < n; i++) {
            const uint8_t *ip = frames[i]; /* SOCK_RAW on AF_PACKET: starts with the Ethernet header */
            unsigned len = msgs[i].msg_len;
            if (len < 14 + 20 + 20) continue;
            ip += 14;
            unsigned ihl = (ip[0] & 0x0f) * 4u;
            if ((ip[0] >> 4) != 4 || ihl < 20 || ip[9] != IPPROTO_TCP || len < 14 + ihl + 20) continue;
            const uint8_t *tcp = ip + ihl;
            if (((unsigned)tcp[2] << 8 | tcp[3]) == (unsigned)dport) received++;
        }
    }
    double elapsed = now() - start, cpu = cpu_seconds() - cpu0;
    printf("C rawref   IPv4 batch    %2d size    -: received %9.0f pkt/s; CPU per packet: receiver %5.0f ns\n",
           batch, received / elapsed, cpu * 1e9 / (received ? received : 1));
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 10 && strcmp(argv[1], "send") == 0) return send_main(argv + 2);
    if (argc == 6 && strcmp(argv[1], "recv") == 0) return recv_main(argv + 2);
    fprintf(stderr,
            "usage: rawref send IFACE DST_MAC SRC_IP DST_IP DST_PORT SIZE SECONDS BATCH\n"
            "       rawref recv IFACE DST_PORT SECONDS BATCH\n");
    return 2;
}
