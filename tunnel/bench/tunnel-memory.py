#!/usr/bin/env python3
"""RSS of an idle paqet client and server (UDP carrier on loopback), then with 1000 idle SOCKS5
connections. Run from a directory holding server.yaml and client.yaml as described in
docs/benchmarks/tunnel.md; needs cli/target/paqet.jar and JAVA pointing at a JDK 25 `java`."""
import os, socket, struct, subprocess, sys, threading, time

JAVA = os.environ.get("JAVA", "java")
JAR = os.environ.get("PAQET_JAR", "cli/target/paqet.jar")
SOCKS, ECHO = 23457, 23460


def status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1])


def describe(name, p):
    return "%s RSS %d MiB (%d threads)" % (name, status(p.pid, "VmRSS") // 1024, status(p.pid, "Threads"))


echo = socket.socket()
echo.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
echo.bind(("127.0.0.1", ECHO))
echo.listen(2048)
accepted = []
threading.Thread(target=lambda: [accepted.append(echo.accept()[0]) for _ in iter(int, 1)], daemon=True).start()

paqet = [JAVA, "--enable-native-access=ALL-UNNAMED", "-jar", JAR, "run", "-c"]
server = subprocess.Popen(paqet + ["server.yaml"], stdout=subprocess.DEVNULL, stderr=open("server.err", "w"))
time.sleep(3)
client = subprocess.Popen(paqet + ["client.yaml"], stdout=subprocess.DEVNULL, stderr=open("client.err", "w"))
time.sleep(8)
print("idle:", describe("server", server) + ",", describe("client", client))
connections = []
for _ in range(1000):
    s = socket.create_connection(("127.0.0.1", SOCKS))
    s.sendall(bytes.fromhex("050100" "050100017f000001") + struct.pack(">H", ECHO))
    reply = b""
    while len(reply) < 12:
        reply += s.recv(12 - len(reply))
    assert reply[3] == 0, reply
    connections.append(s)
time.sleep(8)
print("1000 idle SOCKS5 connections:", describe("server", server) + ",", describe("client", client),
      "- target side accepted", len(accepted))
for s in connections:
    s.close()
client.terminate()
server.terminate()
print("exit codes: client", client.wait(20), "server", server.wait(20))
