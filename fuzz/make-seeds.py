#!/usr/bin/env python3
"""Writes the seed corpus for parley-fuzz: one file per input, each a byte
that sets how the rest is cut into network reads, then frames
(u32 length | u8 kind | payload). Run from the repository: fuzz/make-seeds.py"""
import hashlib, json, os, struct

here = os.path.dirname(os.path.abspath(__file__))
corpus = os.path.join(here, "corpus")
os.makedirs(corpus, exist_ok=True)

def frame(payload, kind=1):
    if isinstance(payload, (dict, list)):
        payload = json.dumps(payload, ensure_ascii=False).encode()
    elif isinstance(payload, str):
        payload = payload.encode()
    return struct.pack(">IB", len(payload) + 1, kind) + payload

client = [
    {"type": "hello", "version": 2, "client": "seed"},
    {"type": "pong"},
    {"type": "register", "id": 1, "name": "alice", "password": "correct horse"},
    {"type": "login", "id": 2, "name": "alice", "password": "correct horse", "take_over": True},
    {"type": "resume", "id": 3, "name": "alice", "token": "0" * 64, "take_over": False},
    {"type": "logout", "id": 4},
    {"type": "send", "id": 5, "conversation": "lobby", "text": "hello 👋 世界"},
    {"type": "send", "id": 6, "conversation": "@bob", "text": "line one\nline two"},
    {"type": "history", "id": 7, "conversation": "lobby", "limit": 50},
    {"type": "history", "id": 8, "conversation": "dev", "limit": 20, "before": 41},
    {"type": "history", "id": 9, "conversation": "dev", "limit": 20, "after": 41},
    {"type": "friend_request", "id": 10, "name": "bob"},
    {"type": "friend_accept", "id": 11, "name": "bob"},
    {"type": "friend_decline", "id": 12, "name": "bob"},
    {"type": "friend_remove", "id": 13, "name": "bob"},
    {"type": "friends", "id": 14},
    {"type": "room_create", "id": 15, "name": "dev", "topic": "builds", "open_topic": True},
    {"type": "room_join", "id": 16, "name": "dev"},
    {"type": "room_leave", "id": 17, "name": "dev"},
    {"type": "rooms", "id": 18},
    {"type": "topic", "id": 19, "conversation": "dev", "topic": "release friday"},
    {"type": "upload", "id": 20, "conversation": "dev", "name": "../../etc/passwd", "size": 1234,
     "sha256": hashlib.sha256(b"x").hexdigest()},
    {"type": "download", "id": 21, "file": 17, "offset": 65536},
    {"type": "upload_cancel", "id": 22, "transfer": 3},
    {"type": "files", "id": 23, "conversation": "dev"},
]
malformed = [
    b"not json", b"{", b"[]", b"null", b'{"type":"send"}', b'{"type":"send","id":-1}',
    b'{"type":"nope","id":1}', b'{"type":"history","id":1,"conversation":"lobby","limit":5,"before":1,"after":2}',
    b'{"type":"send","id":4294967296,"conversation":"lobby","text":"x"}', b'\xff\xfe\x00',
    b'{"type":"send","id":1,"conversation":"lobby","text":"\\u0007\\u202e"}',
]
server = [
    {"type": "hello", "version": 2, "server": "parley-server",
     "limits": {"max_frame_bytes": 65536, "max_message_chars": 4000, "history_on_login": 50,
                "history_page_max": 200, "rate_burst": 20, "rate_per_second": 5,
                "heartbeat_timeout_seconds": 60, "max_topic_chars": 300, "max_rooms_per_user": 100,
                "max_file_bytes": 52428800, "max_transfers": 4, "large_room_members": 250}},
    {"type": "welcome", "re": 2, "user": "alice",
     "rooms": [{"name": "lobby", "topic": "", "open_topic": False, "members": [{"name": "alice", "online": True}],
                "member_count": 1, "online_count": 1,
                "history": [{"id": 41, "conversation": "lobby", "from": "bob", "text": "hi", "time": 1763900000123}],
                "has_more": True}],
     "friends": {"friends": [{"name": "bob", "online": True}], "incoming": [], "outgoing": []},
     "away": [], "token": "ab" * 32},
    {"type": "message", "message": {"id": 42, "conversation": "lobby", "from": "alice", "text": "hello", "time": 1}},
    {"type": "joined", "conversation": "dev", "user": "bob", "new_member": True},
    {"type": "left", "conversation": "dev", "user": "bob", "reason": "quit", "still_member": True},
    {"type": "error", "re": 5, "code": "auth.bad_password", "message": "Wrong password."},
    {"type": "ping"},
    {"type": "closing", "code": "session.replaced", "message": "You logged in elsewhere."},
]

def write(name, data, step=7):
    with open(os.path.join(corpus, name), "wb") as f:
        f.write(bytes([step]) + data)

for i, message in enumerate(client):
    write(f"client-{i:02d}-{message['type']}", frame(message))
for i, payload in enumerate(malformed):
    write(f"malformed-{i:02d}", frame(payload))
for i, message in enumerate(server):
    write(f"server-{i:02d}-{message['type']}", frame(message))
# Several frames glued, read one byte at a time and in big pieces.
glued = b"".join(frame(m) for m in client[:8])
write("glued-bytewise", glued, step=0)
write("glued-big", glued, step=63)
write("chunk", frame(struct.pack(">I", 3) + os.urandom(0) + b"\x00" * 100, kind=2))
write("empty-frame", struct.pack(">I", 0))
write("huge-length", struct.pack(">IB", 0xFFFFFFFF, 1) + b"{}")
write("unknown-kind", frame(b"{}", kind=9))
write("partial", frame(client[6])[:-3])
print(f"wrote {len(os.listdir(corpus))} seeds to {corpus}")
