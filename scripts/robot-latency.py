#!/usr/bin/env python3
# How fast the robot answers: asks "@robot roll 2d6" 200 times in the lobby of
# a running parley-server and prints the time to the answer.
# Usage: scripts/robot-latency.py PORT   (a server with rate_burst and
# rate_per_second of 1000 or so, else the rate limit is what you measure)
import socket, struct, json, time, sys
port = int(sys.argv[1])
s = socket.create_connection(("127.0.0.1", port))
buf = b""
def send(obj):
    p = json.dumps(obj).encode()
    s.sendall(struct.pack(">IB", len(p) + 1, 1) + p)
def recv():
    global buf
    while True:
        if len(buf) >= 5:
            n = struct.unpack(">I", buf[:4])[0]
            if len(buf) >= 4 + n:
                frame = buf[5:4 + n]; buf = buf[4 + n:]
                return json.loads(frame)
        buf += s.recv(65536)
def until(pred):
    while True:
        m = recv()
        if pred(m): return m
recv()
send({"type": "hello", "version": 2, "client": "robot-latency"})
send({"type": "register", "id": 1, "name": "timer", "password": "correct horse"})
until(lambda m: m.get("re") == 1)
send({"type": "login", "id": 2, "name": "timer", "password": "correct horse"})
until(lambda m: m.get("re") == 2)
lat = []
for i in range(200):
    t = time.perf_counter()
    send({"type": "send", "id": 10 + i, "conversation": "lobby", "text": "@robot roll 2d6"})
    until(lambda m: m.get("type") == "message" and m["message"]["from"] == "robot")
    lat.append((time.perf_counter() - t) * 1000)
lat.sort()
print(f"200 questions: answer after p50 {lat[100]:.2f} ms, p99 {lat[197]:.2f} ms, max {lat[-1]:.2f} ms")
