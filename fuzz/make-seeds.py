#!/usr/bin/env python3
"""Writes the seed corpora for parley-fuzz: one file per input, each a byte
that sets how the rest is cut into network reads, then frames
(u32 length | u8 kind | payload). fuzz/corpus feeds the frame parser and
decoders; fuzz/session-corpus feeds a real session (PARLEY_FUZZ=session),
where the first byte's high bit has the session greeted and logged in
first. Also writes fuzz/session.dict, libFuzzer's dictionary of the
protocol's words. Run from the repository: fuzz/make-seeds.py"""
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
    {"type": "away_received", "id": 24, "through": 40},
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

# The session corpus: what one client sends over a whole connection.
session = os.path.join(here, "session-corpus")
os.makedirs(session, exist_ok=True)
GREETED = 0x80
# Not sent: the harness waits until what came before is answered.
PAUSE = struct.pack(">IB", 1, 255)

def seed(name, frames, step=63, greeted=True):
    with open(os.path.join(session, name), "wb") as f:
        f.write(bytes([step | (GREETED if greeted else 0)]) + b"".join(frames))

hello = frame(client[0])
seed("ungreeted-register-login-send", [hello, frame(client[2]), frame(client[3]), frame(client[6])], greeted=False)
seed("ungreeted-before-hello", [frame(client[6]), hello], greeted=False)
seed("ungreeted-resume", [hello, frame(client[4])], greeted=False)
seed("ungreeted-wrong-version", [frame({"type": "hello", "version": 99, "client": "x"})], greeted=False)
for i, message in enumerate(client[1:]):
    seed(f"greeted-{i:02d}-{message['type']}", [frame(message)])
# A room's life: create, topic, history, leave.
seed("room-life", [frame({"type": "room_create", "id": 1, "name": "fuzzroom", "topic": "t", "open_topic": False}),
                   frame({"type": "topic", "id": 2, "conversation": "fuzzroom", "topic": "new"}),
                   frame({"type": "send", "id": 3, "conversation": "fuzzroom", "text": "hi"}),
                   frame({"type": "history", "id": 4, "conversation": "fuzzroom", "limit": 10}),
                   frame({"type": "room_leave", "id": 5, "name": "fuzzroom"})])
# An upload announced, its bytes in two chunks, then listed and downloaded.
data = b"fuzz file bytes " * 8
upload = {"type": "upload", "id": 1, "conversation": "lobby", "name": "f.txt", "size": len(data),
          "sha256": hashlib.sha256(data).hexdigest()}
# The first transfer of a connection is number 1; the first file of a run, 1.
seed("upload-download", [frame(upload), PAUSE, frame(struct.pack(">I", 1) + data[:50], kind=2),
                         frame(struct.pack(">I", 1) + data[50:], kind=2), PAUSE,
                         frame({"type": "files", "id": 2, "conversation": "lobby"}),
                         frame({"type": "download", "id": 3, "file": 1, "offset": 0})])
seed("upload-overflow", [frame(upload), PAUSE, frame(struct.pack(">I", 1) + data + b"more", kind=2)])
seed("upload-cancel", [frame(upload), PAUSE, frame(struct.pack(">I", 1) + data[:10], kind=2),
                       frame({"type": "upload_cancel", "id": 2, "transfer": 1})])
# Past the rate limit (20 at once, then 5 a second).
seed("rate-flood", [frame({"type": "rooms", "id": i}) for i in range(40)])
seed("friends", [frame({"type": "friend_request", "id": 1, "name": "robot"}),
                 frame({"type": "send", "id": 2, "conversation": "@fuzzer", "text": "me"}),
                 frame({"type": "friends", "id": 3})])
seed("logout-then-send", [frame(client[5]), frame(client[6])])
seed("glued-bytewise", [frame(m) for m in client[5:12]], step=0)
for i, payload in enumerate(malformed):
    seed(f"malformed-{i:02d}", [frame(payload)])
seed("huge-length", [struct.pack(">IB", 0xFFFFFFFF, 1) + b"{}"])
print(f"wrote {len(os.listdir(session))} seeds to {session}")

words = set()
for message in client + server:
    for key, value in message.items():
        words.add(f'"{key}":')
        if isinstance(value, str) and len(value) < 30:
            words.add(f'"{value}"')
with open(os.path.join(here, "session.dict"), "w") as f:
    f.write("# libFuzzer dictionary: the protocol's keys and words (fuzz/make-seeds.py)\n")
    for word in sorted(words):
        # libFuzzer reads printable ASCII, with \\, \" and \xNN escapes.
        escaped = "".join(chr(b) if 32 <= b < 127 and b not in b'"\\' else f"\\x{b:02x}" for b in word.encode())
        f.write(f'"{escaped}"\n')
    f.write('pause="\\x00\\x00\\x00\\x01\\xff"\n')
print(f"wrote {len(words)} words to session.dict")
