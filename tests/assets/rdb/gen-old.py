#!/usr/bin/env python3
"""gen-old.py - writes RDB fixtures in the encodings Redis used before
listpacks, from the format's description (not from any Redis code):

  old-v6.rdb  RDB 6 (Redis 3.0 era): linked lists (type 1), hash tables of
              sets/hashes, sorted sets with text scores (type 3), zipmap
              hashes (9), ziplist lists/sorted sets/hashes (10, 12, 13),
              intsets (11), second-precision expiry (253), LZF strings
  old-v9.rdb  RDB 9 (Redis 5.0 era): AUX fields, RESIZEDB, quicklists of
              ziplist nodes (14, one node LZF-compressed), streams in the
              first layout (15) with a consumer group, millisecond expiry,
              IDLE and FREQ opcodes

and beside each the commands that build the same content on a live
server (old-v6-dataset.txt, old-v9-dataset.txt: one Tcl list a line),
which rdb_interop.tcl replays to compare with what the file loads to.

  python3 tests/assets/rdb/gen-old.py

Deterministic: the same files every run.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# --------------------------------------------------------------- CRC-64/Jones

POLY = 0x95AC9329AC4BC9B5  # 0xad93d23594c935a9 reflected
TABLE = []
for b in range(256):
    c = b
    for _ in range(8):
        c = (c >> 1) ^ POLY if c & 1 else c >> 1
    TABLE.append(c)


def crc64(data, crc=0):
    for byte in data:
        crc = TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc


assert crc64(b"123456789") == 0xE9C6D914C4B8D9CA

# ------------------------------------------------------------------- LZF


def lzf_compress(data):
    """Greedy LZF: literal runs of up to 32 bytes and back-references of
    3..264 bytes up to 8192 bytes back (the format RDB strings use)."""
    out = bytearray()
    lit = bytearray()
    i, n = 0, len(data)

    def flush():
        while lit:
            chunk = lit[:32]
            out.append(len(chunk) - 1)
            out.extend(chunk)
            del lit[:32]

    while i < n:
        best_len, best_off = 0, 0
        for j in range(max(0, i - 8192), i):
            k = 0
            while i + k < n and k < 264 and data[j + k] == data[i + k]:
                k += 1
            if k > best_len:
                best_len, best_off = k, i - j - 1
        if best_len >= 3:
            flush()
            ln = best_len - 2
            if ln < 7:
                out.append((ln << 5) | (best_off >> 8))
            else:
                out.append((7 << 5) | (best_off >> 8))
                out.append(ln - 7)
            out.append(best_off & 0xFF)
            i += best_len
        else:
            lit.append(data[i])
            i += 1
    flush()
    return bytes(out)


def lzf_decompress(c, n):
    out = bytearray()
    i = 0
    while i < len(c):
        ctrl = c[i]
        i += 1
        if ctrl < 32:
            out.extend(c[i:i + ctrl + 1])
            i += ctrl + 1
        else:
            ln = ctrl >> 5
            if ln == 7:
                ln += c[i]
                i += 1
            ref = len(out) - ((ctrl & 0x1F) << 8) - c[i] - 1
            i += 1
            for k in range(ln + 2):
                out.append(out[ref + k])
    assert len(out) == n
    return bytes(out)

# ------------------------------------------------------------ RDB encodings


def rlen(n):
    if n < 64:
        return bytes([n])
    if n < 16384:
        return bytes([0x40 | (n >> 8), n & 0xFF])
    if n <= 0xFFFFFFFF:
        return b"\x80" + struct.pack(">I", n)
    return b"\x81" + struct.pack(">Q", n)


def rstr(s, compress=True):
    if isinstance(s, str):
        s = s.encode()
    try:
        v = int(s)
        if str(v).encode() == s and len(s) <= 11:
            if -128 <= v <= 127:
                return bytes([0xC0]) + struct.pack("<b", v)
            if -32768 <= v <= 32767:
                return bytes([0xC1]) + struct.pack("<h", v)
            if -2**31 <= v < 2**31:
                return bytes([0xC2]) + struct.pack("<i", v)
    except ValueError:
        pass
    if compress and len(s) > 20:
        c = lzf_compress(s)
        assert lzf_decompress(c, len(s)) == s
        if len(c) <= len(s) - 4:
            return b"\xC3" + rlen(len(c)) + rlen(len(s)) + c
    return rlen(len(s)) + s


def text_double(d):
    if d == float("inf"):
        return b"\xFE"
    if d == float("-inf"):
        return b"\xFF"
    t = repr(d).encode()
    if t.endswith(b".0"):
        t = t[:-2]
    return bytes([len(t)]) + t

# ----------------------------------------------------------------- ziplist


def zl_entry(v, prevlen):
    out = bytearray()
    out += bytes([prevlen]) if prevlen < 254 else b"\xFE" + struct.pack("<I", prevlen)
    iv = None
    if isinstance(v, int):
        iv = v
    else:
        try:
            x = int(v)
            if str(x) == v:
                iv = x
        except ValueError:
            pass
    if iv is not None and -2**63 <= iv < 2**63:
        if 0 <= iv <= 12:
            out.append(0xF1 + iv)
        elif -128 <= iv <= 127:
            out += b"\xFE" + struct.pack("<b", iv)
        elif -32768 <= iv <= 32767:
            out += b"\xC0" + struct.pack("<h", iv)
        elif -2**23 <= iv < 2**23:
            out += b"\xF0" + struct.pack("<i", iv)[:3]
        elif -2**31 <= iv < 2**31:
            out += b"\xD0" + struct.pack("<i", iv)
        else:
            out += b"\xE0" + struct.pack("<q", iv)
    else:
        b = v.encode() if isinstance(v, str) else v
        if len(b) < 64:
            out.append(len(b))
        elif len(b) < 16384:
            out += bytes([0x40 | (len(b) >> 8), len(b) & 0xFF])
        else:
            out += b"\x80" + struct.pack(">I", len(b))
        out += b
    return bytes(out)


def ziplist(values):
    body = bytearray()
    prev = 0
    tail = 10
    for v in values:
        e = zl_entry(v, prev)
        tail = 10 + len(body)
        body += e
        prev = len(e)
    total = 10 + len(body) + 1
    return struct.pack("<IIH", total, tail, min(len(values), 65535)) + bytes(body) + b"\xFF"

# ------------------------------------------------------------------ zipmap


def zipmap(pairs):
    out = bytearray([len(pairs) if len(pairs) < 254 else 254])

    def zlen(n):
        return bytes([n]) if n < 254 else b"\xFE" + struct.pack("<I", n)
    for i, (f, v) in enumerate(pairs):
        f, v = f.encode(), v.encode()
        free = i % 3  # some unused bytes after a few values, as updates leave
        out += zlen(len(f)) + f + zlen(len(v)) + bytes([free]) + v + b"\x00" * free
    out.append(0xFF)
    return bytes(out)

# ------------------------------------------------------------------ intset


def intset(values):
    values = sorted(values)
    w = 2
    for v in values:
        if not -32768 <= v <= 32767:
            w = max(w, 4)
        if not -2**31 <= v < 2**31:
            w = 8
    fmt = {2: "<h", 4: "<i", 8: "<q"}[w]
    return struct.pack("<II", w, len(values)) + b"".join(struct.pack(fmt, v) for v in values)

# ---------------------------------------------------------------- listpack


def lp_entry(v):
    if isinstance(v, int):
        if 0 <= v <= 127:
            enc = bytes([v])
        elif -4096 <= v <= 4095:
            u = v & 0x1FFF
            enc = bytes([0xC0 | (u >> 8), u & 0xFF])
        elif -32768 <= v <= 32767:
            enc = b"\xF1" + struct.pack("<h", v)
        elif -2**23 <= v < 2**23:
            enc = b"\xF2" + struct.pack("<i", v)[:3]
        elif -2**31 <= v < 2**31:
            enc = b"\xF3" + struct.pack("<i", v)
        else:
            enc = b"\xF4" + struct.pack("<q", v)
    else:
        b = v.encode()
        if len(b) < 64:
            enc = bytes([0x80 | len(b)]) + b
        elif len(b) < 4096:
            enc = bytes([0xE0 | (len(b) >> 8), len(b) & 0xFF]) + b
        else:
            enc = b"\xF0" + struct.pack("<I", len(b)) + b
    n = len(enc)
    if n < 128:
        back = bytes([n])
    elif n < 16384:
        back = bytes([n >> 7, (n & 127) | 128])
    else:
        raise ValueError("entry too long for this generator")
    return enc + back


def listpack(values):
    body = b"".join(lp_entry(v) for v in values)
    total = 6 + len(body) + 1
    return struct.pack("<IH", total, min(len(values), 65535)) + body + b"\xFF"


def lp_val(s):
    """A value as the listpack stores it: canonical integers as integers."""
    try:
        x = int(s)
        if str(x) == s:
            return x
    except ValueError:
        pass
    return s


def stream_node(master, entries, master_fields):
    """A stream node listpack in the first stream layout: master entry, then
    each entry as flags, ms and seq deltas, [field count, fields], values,
    and the entry's element count."""
    items = [len(entries), 0, len(master_fields)] + [lp_val(f) for f in master_fields] + [0]
    for (ms, seq), fields in entries:
        names = [f for f, _ in fields]
        same = names == list(master_fields)
        items += [2 if same else 0, ms - master[0], seq - master[1]]
        if same:
            items += [lp_val(v) for _, v in fields]
            items.append(len(fields) + 3)
        else:
            items.append(len(fields))
            for f, v in fields:
                items += [lp_val(f), lp_val(v)]
            items.append(2 * len(fields) + 4)
    return listpack(items)

# ---------------------------------------------------------------- the files

EXPIRE_S = 2143238400  # 2037-12-01: within the signed 32 bits of the old opcode
FAR_MS = EXPIRE_S * 1000


class Rdb:
    def __init__(self, version):
        self.b = bytearray(b"REDIS%04d" % version)
        self.cmds = []

    def op(self, *parts):
        for p in parts:
            self.b += p

    def key(self, t, k, body):
        self.b += bytes([t]) + rstr(k) + body

    def finish(self, name):
        self.b.append(0xFF)
        self.b += struct.pack("<Q", crc64(bytes(self.b)))
        with open(os.path.join(HERE, name + ".rdb"), "wb") as f:
            f.write(self.b)
        with open(os.path.join(HERE, name + "-dataset.txt"), "w") as f:
            f.write("# %s-dataset.txt - commands that build what %s.rdb holds (made by gen-old.py)\n"
                    % (name, name))
            for c in self.cmds:
                f.write(" ".join(tcl_word(w) for w in c) + "\n")


def tcl_word(w):
    w = str(w)
    if w and all(c.isalnum() or c in ":_-.+*" for c in w):
        return w
    return "{" + w + "}"


def v6():
    r = Rdb(6)
    r.op(b"\xFE", rlen(0))
    r.key(0, "s:int", rstr("12345"))
    r.cmds.append(["set", "s:int", "12345"])
    long = "lzf-" + "xyz" * 50
    r.key(0, "s:lzf", rstr(long))
    r.cmds.append(["set", "s:lzf", long])
    r.op(b"\xFD", struct.pack("<I", EXPIRE_S))
    r.key(0, "s:exp", rstr("expires"))
    r.cmds += [["set", "s:exp", "expires"], ["pexpireat", "s:exp", FAR_MS]]
    items = ["one", "2", "three", "-40000", "x" * 70]
    r.key(1, "l:linked", rlen(len(items)) + b"".join(rstr(x) for x in items))
    r.cmds.append(["rpush", "l:linked"] + items)
    items = ["a", "b", "12", "-7", "100000", "5000000000", "c" * 80, "-1", "0"]
    r.key(10, "l:ziplist", rstr(ziplist(items)))
    r.cmds.append(["rpush", "l:ziplist"] + items)
    members = ["m1", "m2", "77", "mmm"]
    r.key(2, "set:ht", rlen(len(members)) + b"".join(rstr(m) for m in members))
    r.cmds.append(["sadd", "set:ht"] + members)
    nums = [5, -3, 70000, -2**40, 0]
    r.key(11, "set:intset", rstr(intset(nums)))
    r.cmds.append(["sadd", "set:intset"] + [str(x) for x in nums])
    z = [("a", 1.5), ("b", -2.0), ("c", float("inf")), ("d", 100.0), ("e", float("-inf"))]
    r.key(3, "z:text", rlen(len(z)) + b"".join(rstr(m) + text_double(s) for m, s in z))
    r.cmds.append(["zadd", "z:text"] + [w for m, s in z for w in (score_text(s), m)])
    zz = [("x", "1"), ("y", "2.5"), ("w", "-3")]
    flat = [v for m, s in zz for v in (m, s)]
    r.key(12, "z:ziplist", rstr(ziplist(flat)))
    r.cmds.append(["zadd", "z:ziplist"] + [w for m, s in zz for w in (s, m)])
    pairs = [("f1", "v1"), ("f2", "2"), ("name", "zipmap-era"), ("empty", "")]
    r.key(4, "h:ht", rlen(len(pairs)) + b"".join(rstr(f) + rstr(v) for f, v in pairs))
    r.cmds.append(["hset", "h:ht"] + [w for p in pairs for w in p])
    zmp = [("field", "value"), ("n", "100"), ("long", "L" * 40)]
    r.key(9, "h:zipmap", rstr(zipmap(zmp)))
    r.cmds.append(["hset", "h:zipmap"] + [w for p in zmp for w in p])
    zlp = [("a", "1"), ("b", "two"), ("c", "-3")]
    r.key(13, "h:ziplist", rstr(ziplist([w for p in zlp for w in p])))
    r.cmds.append(["hset", "h:ziplist"] + [w for p in zlp for w in p])
    r.op(b"\xFE", rlen(3))
    r.cmds.append(["select", "3"])
    r.key(0, "db3:k", rstr("in db 3"))
    r.cmds.append(["set", "db3:k", "in db 3"])
    r.cmds.append(["select", "0"])
    r.finish("old-v6")


def score_text(s):
    if s == float("inf"):
        return "+inf"
    if s == float("-inf"):
        return "-inf"
    return repr(s)


def v9():
    r = Rdb(9)

    def aux(k, v):
        r.op(b"\xFA", rstr(k), rstr(v))
    aux("redis-ver", "5.0.14")
    aux("redis-bits", "64")
    aux("ctime", "1600000000")
    aux("used-mem", "1000000")
    aux("aof-preamble", "0")
    r.op(b"\xFE", rlen(0), b"\xFB", rlen(5), rlen(1))
    # A quicklist of three ziplist nodes, the middle one LZF-compressed.
    nodes = [["n%d" % i for i in range(5)], ["m%02d" % (i % 3) * 10 for i in range(12)],
             ["12", "13", "tail"]]
    blobs = []
    for n in nodes:
        zl = ziplist(n)
        blobs.append(rstr(zl, compress=True))
    r.key(14, "l:quicklist", rlen(len(nodes)) + b"".join(blobs))
    r.cmds.append(["rpush", "l:quicklist"] + [x for n in nodes for x in n])
    r.op(b"\xFC", struct.pack("<q", FAR_MS))
    r.op(b"\xF8", rlen(100))  # IDLE: kept only under an LRU policy
    r.key(0, "s:pexp", rstr("ms expiry"))
    r.cmds += [["set", "s:pexp", "ms expiry"], ["pexpireat", "s:pexp", FAR_MS]]
    r.op(b"\xF9", bytes([5]))  # FREQ: kept only under an LFU policy
    r.key(0, "s:freq", rstr("hot"))
    r.cmds.append(["set", "s:freq", "hot"])
    # A stream in the first layout: one node, same fields except one entry.
    fields = ["temp", "hum"]
    entries = [((1000, 0), [("temp", "20"), ("hum", "50")]),
               ((1000, 1), [("temp", "21"), ("hum", "51")]),
               ((1001, 0), [("temp", "22"), ("hum", "52"), ("note", "odd one")]),
               ((1005, 7), [("temp", "-3"), ("hum", "49")])]
    node = stream_node((1000, 0), entries, fields)
    body = rlen(1) + rstr(struct.pack(">QQ", 1000, 0)) + rstr(node)
    body += rlen(len(entries)) + rlen(1005) + rlen(7)
    # One group that read everything: alice got two, bob the rest; bob
    # acknowledged one.
    body += rlen(1) + rstr("grp") + rlen(1005) + rlen(7)
    pel = [((1000, 0), "alice"), ((1000, 1), "alice"), ((1005, 7), "bob")]
    body += rlen(len(pel))
    for (ms, seq), _ in pel:
        body += struct.pack(">QQ", ms, seq) + struct.pack("<q", 1600000000000) + rlen(1)
    body += rlen(2)
    for name in ("alice", "bob"):
        own = [i for i, c in pel if c == name]
        body += rstr(name) + struct.pack("<q", 1600000000000) + rlen(len(own))
        for ms, seq in own:
            body += struct.pack(">QQ", ms, seq)
    r.key(15, "st:v1", body)
    for (ms, seq), fv in entries:
        r.cmds.append(["xadd", "st:v1", "%d-%d" % (ms, seq)] + [w for p in fv for w in p])
    r.cmds += [["xgroup", "create", "st:v1", "grp", "0"],
               ["xreadgroup", "group", "grp", "alice", "count", "2", "streams", "st:v1", ">"],
               ["xreadgroup", "group", "grp", "bob", "count", "2", "streams", "st:v1", ">"],
               ["xack", "st:v1", "grp", "1001-0"]]
    z = [("k%d" % i, str(i * 1.25)) for i in range(6)]
    r.key(12, "z:ziplist9", rstr(ziplist([w for p in z for w in p])))
    r.cmds.append(["zadd", "z:ziplist9"] + [w for m, s in z for w in (s, m)])
    r.finish("old-v9")


v6()
v9()
print("wrote old-v6.rdb, old-v9.rdb and their datasets")
