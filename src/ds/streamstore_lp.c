/* streamstore_lp.c - a stream node to and from Valkey's listpack form
 * (RDB and DUMP write it; RDB loading reads it): writing in one pass, and
 * reading with every check of deep validation, a fast path for the
 * common entry and the general path for everything else (see
 * streamstore.h for both formats and the invariants). */
#include <string.h>

#include "alloc.h"
#include "listpack.h"
#include "streamstore_impl.h"
#include "unaligned.h"
#include "varint.h"

/* ------------------------------------------------- Valkey's listpacks */

/* A listpack integer item (lp_put_int's bytes), the two small forms
 * inline. */
static inline unsigned char *lpw_int(unsigned char *w, int64_t v) {
    uint64_t u = (uint64_t)v;
    if (u <= 127) {
        w[0] = (unsigned char)u;
        w[1] = 1;
        return w + 2;
    }
    if (u + 4096 <= 8191) {
        w[0] = (unsigned char)(0xC0 | ((u >> 8) & 0x1F));
        w[1] = (unsigned char)u;
        w[2] = 2;
        return w + 3;
    }
    return w + lp_put_int_wide(w, v);
}

/* One of our elements at *pp as a listpack item at w (what lp_append
 * would write for its text): small integers and short strings directly,
 * the rest through lp_put_*. */
SS_HOT unsigned char *lpw_elem(unsigned char *w, const unsigned char **pp) {
    const unsigned char *p = *pp;
    unsigned b = p[0];
    if (b < 0x80) {
        w[0] = (unsigned char)b;
        w[1] = 1;
        *pp = p + 1;
        return w + 2;
    }
    if (b < 0xC0) {
        size_t l = b - EL_STR_SHORT;
        *pp = p + 1 + l;
        /* Never an integer's text in our form; lp_put_str decides if it
         * might look like one. */
        if (l && ((p[1] >= '0' && p[1] <= '9') || p[1] == '-')) return w + lp_put_str(w, (const char *)p + 1, l);
        w[0] = (unsigned char)(0x80 | l);
        memcpy(w + 1, p + 1, l);
        w[1 + l] = (unsigned char)(l + 1);
        return w + l + 2;
    }
    if (b == EL_POS + 1) {
        /* 128..255: a 13-bit integer. */
        w[0] = 0xC0;
        w[1] = p[1];
        w[2] = 2;
        *pp = p + 2;
        return w + 3;
    }
    SsVal v;
    *pp = elem_get(p, &v);
    if (v.is_int) return lpw_int(w, v.ival);
    return w + lp_put_str(w, (const char *)v.p, v.len);
}

/* The entries of ss_node_write_listpack from the first one at p: a loop
 * inlined twice, for one master field (a constant) and for any number.
 * The IDs are followed as deltas from the master ID (what the listpack
 * holds), each decoded after its entry is written (the first one is the
 * master ID: its header byte only gives its flags).  Returns the end;
 * *count gets the items of the entries without the master fields
 * beyond nmaster + 4 each. */
SS_HOT unsigned char *write_entries(unsigned char *w, const unsigned char *p, const unsigned char *end,
                                         StreamId master, uint64_t nmaster, uint64_t *count) {
    int64_t lpc_same = (int64_t)nmaster + 3;
    uint64_t dms = 0, dseq = 0, extra = 0;
    unsigned b = *p++;
    for (;;) {
        unsigned flags = HDR_FLAGS(b);
        w[0] = (unsigned char)flags;
        w[1] = 1;
        w = lpw_int(w + 2, (int64_t)dms);
        w = lpw_int(w, (int64_t)dseq);
        if (flags & SS_SAMEFIELDS) {
            for (uint64_t i = 0; i < nmaster; i++) w = lpw_elem(w, &p);
            w = lpw_int(w, lpc_same);
        } else {
            uint64_t nf;
            p = varint_get(p, &nf);
            w = lpw_int(w, (int64_t)nf);
            for (uint64_t i = 0; i < 2 * nf; i++) w = lpw_elem(w, &p);
            w = lpw_int(w, (int64_t)(2 * nf + 4));
            extra += 2 * nf + 5 - (nmaster + 4);
        }
        if (p >= end) break;
        b = *p++;
        unsigned form = HDR_FORM(b);
        if (form == FORM_NEXT_SEQ) {
            dseq++;
        } else if (form <= FORM_MS_MAX) {
            dms += form;
            dseq = 0 - master.seq;
        } else {
            uint64_t d, s2;
            p = varint_get(p, &d);
            p = varint_get(p, &s2);
            dseq = d ? s2 - master.seq : dseq + 1 + s2;
            dms += d;
        }
    }
    *count += extra;
    return w;
}

SS_NOINLINE static unsigned char *write_entries_one(unsigned char *w, const unsigned char *p,
                                                      const unsigned char *end, StreamId master, uint64_t *count) {
    return write_entries(w, p, end, master, 1, count);
}

SS_NOINLINE static unsigned char *write_entries_any(unsigned char *w, const unsigned char *p,
                                                      const unsigned char *end, StreamId master, uint64_t nmaster,
                                                      uint64_t *count) {
    return write_entries(w, p, end, master, nmaster, count);
}

/* Written front to back in one pass: the size is known exactly
 * (node_vk_total).  The item count assumes every entry has the master
 * fields and is corrected for those that do not. */
size_t ss_node_write_listpack(const SsNode *n, StreamId master, unsigned char *lp) {
    unsigned char *w = lp + LP_HDR_SIZE;
    uint64_t nmaster = n->nmaster;
    w = lpw_int(w, n->live);
    w = lpw_int(w, n->deleted);
    w = lpw_int(w, (int64_t)nmaster);
    const unsigned char *p = n->data + varint_len(nmaster), *end = n->data + n->used;
    for (uint64_t i = 0; i < nmaster; i++) w = lpw_elem(w, &p);
    w[0] = 0;
    w[1] = 1;
    w += 2;
    uint64_t count = 4 + nmaster + ((uint64_t)n->live + n->deleted) * (nmaster + 4);
    p = n->data + n->first_off;
    if (nmaster == 1) w = write_entries_one(w, p, end, master, &count);
    else w = write_entries_any(w, p, end, master, nmaster, &count);
    return lp_put_finish(lp, w, count);
}

unsigned char *ss_node_to_listpack(const SsNode *n, StreamId master) {
    unsigned char *lp = mem_alloc(node_vk_total(n));
    ss_node_write_listpack(n, master, lp);
    return lp;
}

/* ------------------------------------------ loading Valkey's listpacks
 * The items of an untrusted listpack are read straight from its bytes
 * (p up to end, its terminator) with the checks deep validation makes:
 * the small encodings most entries use (7-bit and 13-bit integers, short
 * strings, each with a one-byte backlen) inline, every other one through
 * lp_reader_next_slow.  A reader gives NULL for a damaged item. */


/* What a reader returns (by value, so the caller's cursors stay in
 * registers): the next item (NULL when this one is damaged) and the
 * integer, or the element's bytes written up to w and its Valkey size. */
typedef struct RdInt {
    const unsigned char *p;
    int64_t v;
} RdInt;

typedef struct RdElem {
    const unsigned char *p;
    unsigned char *w;
    size_t vk;
} RdElem;

/* An item that must be an integer (or an integer's canonical text). */
static RdInt rd_int_slow(const unsigned char *p, const unsigned char *end) {
    LpReader r = {p, end};
    LpEntry le;
    RdInt out = {NULL, 0};
    if (lp_reader_next_slow(&r, &le) != 1) return out;
    if (le.sval) {
        if (!lp_string_to_int64(le.sval, le.slen, &out.v)) return out;
    } else {
        out.v = le.lval;
    }
    out.p = r.p;
    return out;
}

SS_HOT RdInt rd_int(const unsigned char *p, const unsigned char *end) {
    /* p[0] is at most the terminator (0xFF), so a 7-bit integer there
     * has its backlen byte in bounds. */
    RdInt out;
    unsigned b = p[0];
    if (b < 0x80) {
        out.p = p[1] == 1 ? p + 2 : NULL;
        out.v = b;
        return out;
    }
    if ((b & 0xE0) == 0xC0 && end - p >= 3) {
        unsigned u = ((b & 0x1Fu) << 8) | p[1];
        out.p = p[2] == 2 ? p + 3 : NULL;
        out.v = u >= 4096 ? (int64_t)u - 8192 : (int64_t)u;
        return out;
    }
    return rd_int_slow(p, end);
}

/* Writes an integer element (elem_put's encoding). */
SS_HOT unsigned char *put_int_elem(unsigned char *w, int64_t v) {
    if ((uint64_t)v <= 127) {
        *w = (unsigned char)v;
        return w + 1;
    }
    if (v > 0 && v <= 0xFF) {
        w[0] = EL_POS + 1;
        w[1] = (unsigned char)v;
        return w + 2;
    }
    ElemIn e = {NULL, 0, v, 1};
    return elem_put(w, &e);
}

/* Converts one element (field or value) to our form at w.  Our form
 * never takes more bytes than the listpack item it comes from. */
static RdElem conv_elem_slow(const unsigned char *p, const unsigned char *end, unsigned char *w) {
    LpReader r = {p, end};
    LpEntry le;
    RdElem out = {NULL, w, 0};
    if (lp_reader_next_slow(&r, &le) != 1) return out;
    ElemIn e;
    if (le.sval) {
        elem_classify(&e, le.sval, le.slen);
    } else {
        e.is_int = 1;
        e.iv = le.lval;
        e.p = NULL;
        e.len = 0;
    }
    out.w = elem_put(w, &e);
    out.vk = elem_vk_size(&e);
    out.p = r.p;
    return out;
}

SS_HOT RdElem conv_elem(const unsigned char *p, const unsigned char *end, unsigned char *w) {
    RdElem out;
    unsigned b = p[0];
    if (b < 0x80) {
        *w = (unsigned char)b;
        out.p = p[1] == 1 ? p + 2 : NULL;
        out.w = w + 1;
        out.vk = 2;
        return out;
    }
    if ((b & 0xE0) == 0xC0 && end - p >= 3) {
        unsigned u = ((b & 0x1Fu) << 8) | p[1];
        int64_t v = u >= 4096 ? (int64_t)u - 8192 : (int64_t)u;
        out.p = p[2] == 2 ? p + 3 : NULL;
        out.w = put_int_elem(w, v);
        out.vk = (uint64_t)v <= 127 ? 2 : 3;
        return out;
    }
    if (b < 0xC0) {
        size_t l = b & 0x3Fu;
        /* Text that may be an integer's takes the general path (p[1] is
         * in bounds: p is before the terminator). */
        if (!(l && ((p[1] >= '0' && p[1] <= '9') || p[1] == '-'))) {
            out.p = NULL;
            if ((size_t)(end - p) < l + 2 || p[1 + l] != l + 1) return out;
            w[0] = (unsigned char)(EL_STR_SHORT + l);
            memcpy(w + 1, p + 1, l);
            out.p = p + l + 2;
            out.w = w + 1 + l;
            out.vk = l + 2;
            return out;
        }
    }
    return conv_elem_slow(p, end, w);
}

/* In ss_add_listpack: reads an integer item into var, or fails. */
#define LOAD_INT(var)                                                                                                  \
    do {                                                                                                               \
        RdInt ri_ = rd_int(p, end);                                                                                    \
        if (!ri_.p) goto bad;                                                                                          \
        p = ri_.p;                                                                                                     \
        (var) = ri_.v;                                                                                                 \
    } while (0)
/* Converts an element, or fails. */
#define LOAD_ELEM()                                                                                                    \
    do {                                                                                                               \
        RdElem re_ = conv_elem(p, end, w);                                                                             \
        if (!re_.p) goto bad;                                                                                          \
        p = re_.p;                                                                                                     \
        w = re_.w;                                                                                                     \
        vk += re_.vk;                                                                                                  \
    } while (0)

/* The node under construction: SsNode header room, then data.  Small
 * nodes are built on the stack and copied into an exact allocation. */
#define LOAD_STACK 8192
/* Room kept beyond the listpack bytes still to read before an entry with
 * an explicit ID (its header byte and two varints take up to 21 bytes
 * where the listpack's fixed items take at least 8).  Any other entry
 * takes fewer bytes than its listpack items, and so do the master
 * fields: room for the rest of the listpack is enough for them. */
#define LOAD_SLACK 32

/* The buffer with room for need more bytes after its first used ones
 * (moved to the heap, or grown there); *cap gets its size. */
/* A magnitude below 65536 as an element of tag (EL_POS/EL_NEG) with one
 * or two little-endian bytes; returns the end. */
static inline unsigned char *put_small_elem(unsigned char *o, unsigned tag, unsigned v) {
    o[1] = (unsigned char)v;
    if (v <= 0xFF) {
        o[0] = (unsigned char)(tag + 1);
        return o + 2;
    }
    o[0] = (unsigned char)(tag + 2);
    o[2] = (unsigned char)(v >> 8);
    return o + 3;
}

static unsigned char *load_grow(unsigned char *buf, const unsigned char *stack, size_t used, size_t need,
                                size_t *cap) {
    *cap = used + need + need / 2;
    if (buf != stack) return mem_realloc(buf, *cap);
    unsigned char *nb = mem_alloc(*cap);
    memcpy(nb, buf, used);
    return nb;
}

/* The fast path's reading of an ID delta: a canonical 7-bit or 13-bit
 * integer, else it gives up (goto out). */
#define FAST_ID_DELTA(var)                                                                                             \
    do {                                                                                                               \
        unsigned b_ = q[0];                                                                                            \
        if (b_ < 0x80) {                                                                                               \
            if (q[1] != 1) goto out;                                                                                   \
            (var) = b_;                                                                                                \
            q += 2;                                                                                                    \
        } else {                                                                                                       \
            if ((b_ & 0xE0) != 0xC0 || end - q < 3 || q[2] != 2) goto out;                                            \
            unsigned u_ = ((b_ & 0x1Fu) << 8) | q[1];                                                                  \
            (var) = u_ >= 4096 ? (int64_t)u_ - 8192 : (int64_t)u_;                                                     \
            if ((uint64_t)(var) <= 127) goto out;                                                                      \
            q += 3;                                                                                                    \
        }                                                                                                              \
    } while (0)

/* State of ss_add_listpack's fast path between runs. */
typedef struct FastRun {
    const unsigned char *p;   /* the next entry */
    unsigned char *w;         /* where its bytes go */
    unsigned char *last_hdr;  /* the last entry converted here, or NULL */
    StreamId prev;            /* the previous entry's ID */
    uint64_t entries;         /* entries converted here */
    /* Where the node's first entry goes when prev is a virtual
     * predecessor of the master ID (the first entry taken here as the
     * next sequence number after it), else NULL. */
    unsigned char *virtual_hdr;
    /* fixed for the node */
    StreamId master;
    const unsigned char *end, *wend;
} FastRun;

/* The fast path: converts entries from f->p on while each is live, has
 * the master fields, and has every item in its canonical smallest
 * encoding among 7-bit and 13-bit integers and short strings that are
 * no integer's text, with an ID above the previous one (in a node keyed
 * by its master ID).  Such an entry's Valkey size is exactly its
 * listpack bytes and its item count nmaster + 4, so the caller adds
 * those up once.  Stops (without writing anything that counts) at the
 * first entry that is not so, or at the end.  Our bytes are at most the
 * listpack's but for an explicit ID, which needs LOAD_SLACK of room.
 * Functions of their own, so the loop's few variables stay in
 * registers. */

/* The ID of a fast-path entry that is not the next sequence number
 * after the previous one (deltas from the master ID): writes its header
 * byte and varints at w and returns their size, or 0 when the ID does
 * not go up or there is no room (q: the listpack after its ID). */
SS_NOINLINE static size_t fast_id_other(const FastRun *f, unsigned char *w, const unsigned char *q, int64_t dms,
                                          int64_t dseq, int64_t pdms, int64_t pdseq) {
    uint64_t ms = f->master.ms + (uint64_t)dms, sq = f->master.seq + (uint64_t)dseq;
    uint64_t pms = f->master.ms + (uint64_t)pdms, pseq = f->master.seq + (uint64_t)pdseq;
    unsigned char *o = w + 1;
    if (w == f->virtual_hdr) {
        /* The node's first entry: the master ID's own or the general
         * path's business. */
        if (dms != 0 || dseq != 0) return 0;
        *w = (unsigned char)((FORM_NEXT_SEQ << 2) | SS_SAMEFIELDS);
        return 1;
    }
    if (ms == pms) {
        /* Not going up, or the next sequence number: the caller's case
         * but where it wraps to 0 (the general path refuses it). */
        if (sq <= pseq || sq == pseq + 1) return 0;
        if ((size_t)(f->wend - w) < (size_t)(f->end - q) + LOAD_SLACK) return 0;
        *w = (unsigned char)((FORM_EXPLICIT << 2) | SS_SAMEFIELDS);
        *o++ = 0;
        o += varint_put(o, sq - pseq - 1);
        return (size_t)(o - w);
    }
    if (ms < pms) return 0;
    uint64_t d = ms - pms;
    if (d <= FORM_MS_MAX && sq == 0) {
        *w = (unsigned char)((d << 2) | SS_SAMEFIELDS);
        return 1;
    }
    if ((size_t)(f->wend - w) < (size_t)(f->end - q) + LOAD_SLACK) return 0;
    *w = (unsigned char)((FORM_EXPLICIT << 2) | SS_SAMEFIELDS);
    o += varint_put(o, d);
    o += varint_put(o, sq);
    return (size_t)(o - w);
}

/* The fast path's conversion of one value: a canonical 7-bit or 13-bit
 * integer or a short string that is no integer's text; anything else
 * returns NULL.  The 13-bit case writes elem_put's encoding directly. */
SS_HOT const unsigned char *fast_elem(const unsigned char *q, const unsigned char *end, unsigned char **op) {
    unsigned char *o = *op;
    unsigned b = q[0];
    if (b < 0x80) {
        if (q[1] != 1) return NULL;
        *o = (unsigned char)b;
        *op = o + 1;
        return q + 2;
    }
    if ((b & 0xE0) == 0xC0) {
        if (end - q < 3 || q[2] != 2) return NULL;
        unsigned u = ((b & 0x1Fu) << 8) | q[1];
        if (u < 4096) {
            if (u <= 127) return NULL; /* not canonical */
            *op = put_small_elem(o, EL_POS, u);
        } else {
            *op = put_small_elem(o, EL_NEG, 8191 - u); /* -(v + 1) for v = u - 8192 */
        }
        return q + 3;
    }
    size_t l = b & 0x3Fu;
    if (b >= 0xC0 || (l && ((q[1] >= '0' && q[1] <= '9') || q[1] == '-')) || (size_t)(end - q) < l + 2 ||
        q[1 + l] != l + 1)
        return NULL;
    *o = (unsigned char)(EL_STR_SHORT + l);
    memcpy(o + 1, q + 1, l);
    *op = o + 1 + l;
    return q + l + 2;
}

/* The loop, inlined twice: for one master field (the common stream of
 * readings: nmaster and lp-count constants) and for any number. */
SS_HOT void load_fast_loop(FastRun *f, uint32_t nmaster, unsigned lpc_byte) {
    const unsigned char *p = f->p, *end = f->end;
    unsigned char *w = f->w, *last = f->last_hdr;
    uint64_t n = 0;
    /* The previous entry's deltas: the same ms delta and the next seq
     * delta is the common next-sequence ID, known without the sums
     * (unless seq wraps to 0, at the delta wrap). */
    int64_t pdms = (int64_t)(f->prev.ms - f->master.ms), pdseq = (int64_t)(f->prev.seq - f->master.seq);
    uint64_t wrap = 0 - f->master.seq;
    /* An entry's lp-count and the next one's flags, as one word. */
    const unsigned char seam_bytes[4] = {(unsigned char)lpc_byte, 1, SS_SAMEFIELDS, 1};
    uint32_t seam = load_u32(seam_bytes);
    if (p[0] != SS_SAMEFIELDS || p[1] != 1) goto out;
    for (;;) {
        /* Here p's flags (2 bytes) are known to be a live entry's with
         * the master fields. */
        const unsigned char *q = p + 2;
        unsigned char *o;
        int64_t dms, dseq;
        FAST_ID_DELTA(dms);
        FAST_ID_DELTA(dseq);
        if (dms == pdms && (uint64_t)dseq == (uint64_t)pdseq + 1 && (uint64_t)dseq != wrap) {
            *w = (unsigned char)((FORM_NEXT_SEQ << 2) | SS_SAMEFIELDS);
            o = w + 1;
        } else {
            size_t hl = fast_id_other(f, w, q, dms, dseq, pdms, pdseq);
            if (!hl) goto out;
            o = w + hl;
        }
        if (nmaster == 1) {
            if (!(q = fast_elem(q, end, &o))) goto out;
        } else {
            for (uint32_t i = nmaster; i; i--)
                if (!(q = fast_elem(q, end, &o))) goto out;
        }
        if (end - q >= 4 && load_u32(q) == seam) {
            p = q + 2;
        } else {
            if (q[0] != lpc_byte || q[1] != 1) goto out;
            p = q + 2;
            if (p[0] != SS_SAMEFIELDS || p[1] != 1) {
                /* This entry is done; the next one is not for here. */
                last = w;
                w = o;
                pdms = dms;
                pdseq = dseq;
                n++;
                goto out;
            }
        }
        last = w;
        w = o;
        pdms = dms;
        pdseq = dseq;
        n++;
    }
out:
    f->p = p;
    f->w = w;
    f->last_hdr = last;
    f->prev.ms = f->master.ms + (uint64_t)pdms;
    f->prev.seq = f->master.seq + (uint64_t)pdseq;
    f->entries += n;
}

SS_NOINLINE static void load_fast_one(FastRun *f) { load_fast_loop(f, 1, 4); }

SS_NOINLINE static void load_fast_any(FastRun *f, uint32_t nmaster, unsigned lpc_byte) {
    load_fast_loop(f, nmaster, lpc_byte);
}

/* One pass over the listpack: each item is checked (bounds, backlen) as
 * it is converted, so the blob is walked once.  Most entries go through
 * load_fast; anything else, or anything wrong, goes through the general
 * path here, which checks and converts every form one entry at a time
 * (and refuses what is damaged). */
int ss_add_listpack(StreamStore *s, StreamId master, const unsigned char *lp, size_t size) {
    LpReader r;
    if (size > UINT32_MAX || !lp_reader_init(&r, lp, size)) return 0;
    const unsigned char *p = r.p, *end = r.end;
    int64_t count, deleted, nmaster, zero;
    RdInt ri = rd_int(p, end);
    if (!ri.p || (count = ri.v) < 0) return 0;
    ri = rd_int(ri.p, end);
    if (!ri.p || (deleted = ri.v) < 0) return 0;
    ri = rd_int(ri.p, end);
    if (!ri.p || (nmaster = ri.v) < 0 || nmaster > (int64_t)size) return 0;
    p = ri.p;
    unsigned char stack[LOAD_STACK];
    unsigned char *buf = stack, *wend = stack + sizeof stack;
    size_t want = sizeof(SsNode) + size + LOAD_SLACK;
    if (want > sizeof stack) {
        buf = mem_alloc(want);
        wend = buf + want;
    }
    unsigned char *w = buf + sizeof(SsNode);
    w += varint_put(w, (uint64_t)nmaster);
    size_t vk = vk_int_size(nmaster) + vk_int_size(0);
    for (int64_t i = 0; i < nmaster; i++) LOAD_ELEM();
    LOAD_INT(zero);
    if (zero != 0) goto bad;
    size_t first_off = (size_t)(w - buf) - sizeof(SsNode);
    size_t last_off = first_off;
    /* Entries must follow whatever the store already holds. */
    StreamId last;
    int have_last = ss_nodes(s) > 0;
    if (have_last) last = s->tail_node ? s->tail_last : ss_edge_id(s, 0, 0);
    else last = sid_make(0, 0);
    StreamId prev = master, id, node_key = master;
    const unsigned char *entries_start = p;
    uint64_t entries = 0, seen_deleted = 0, items = 3 + (uint64_t)nmaster + 1;
    uint64_t fast = 0;
    size_t general_bytes = 0;
    /* An entry with the master fields ends with its item count, nmaster
     * + 3: the fast path checks it as two bytes when it is 7-bit. */
    int64_t same_lpcount = nmaster + 3;
    unsigned lpc_byte = same_lpcount < 128 ? (unsigned)same_lpcount : 0x100;
    /* Valkey's first entry has the master ID: the fast path can take it
     * as the next sequence number after a virtual predecessor, when the
     * master ID follows the store's entries. */
    int fast_ok = lpc_byte < 0x80 && (!have_last || sid_cmp(master, last) > 0);
    unsigned char *virtual_hdr = fast_ok ? w : NULL;
    if (fast_ok) prev.seq--;
    while (p != end) {
        if (fast_ok) {
            FastRun f = {p, w, NULL, prev, 0, virtual_hdr, master, end, wend};
            if (nmaster == 1) load_fast_one(&f);
            else load_fast_any(&f, (uint32_t)nmaster, lpc_byte);
            virtual_hdr = NULL;
            if (f.last_hdr) last_off = (size_t)(f.last_hdr - buf) - sizeof(SsNode);
            p = f.p;
            w = f.w;
            prev = f.prev;
            fast += f.entries;
            if (p == end) break;
        }
        /* The general path, one entry. */
        const unsigned char *entry_start = p;
        int64_t flags, dms, dseq, nf;
        LOAD_INT(flags);
        if (flags & ~(int64_t)3) goto bad;
        LOAD_INT(dms);
        LOAD_INT(dseq);
        id.ms = master.ms + (uint64_t)dms;
        id.seq = master.seq + (uint64_t)dseq;
        int same = (flags & SS_SAMEFIELDS) != 0;
        if (same) {
            nf = nmaster;
        } else {
            LOAD_INT(nf);
            if (nf < 0 || nf > (int64_t)size) goto bad;
        }
        unsigned form;
        uint64_t d = id.ms - prev.ms, s2 = 0;
        if (entries + fast == 0) {
            if (have_last && sid_cmp(id, last) <= 0) goto bad;
            /* Our nodes start at their master ID: key the node by it. */
            node_key = id;
            form = FORM_NEXT_SEQ;
        } else {
            if (sid_cmp(id, prev) <= 0) goto bad;
            if (d == 0 && id.seq == prev.seq + 1) form = FORM_NEXT_SEQ;
            else if (d >= 1 && d <= FORM_MS_MAX && id.seq == 0) form = (unsigned)d;
            else {
                form = FORM_EXPLICIT;
                s2 = d ? id.seq : id.seq - prev.seq - 1;
            }
        }
        if (form == FORM_EXPLICIT && (size_t)(wend - w) < (size_t)(end - p) + LOAD_SLACK) {
            size_t used = (size_t)(w - buf), cap;
            buf = load_grow(buf, stack, used, (size_t)(end - p) + LOAD_SLACK, &cap);
            w = buf + used;
            wend = buf + cap;
        }
        last_off = (size_t)(w - buf) - sizeof(SsNode);
        *w++ = (unsigned char)((form << 2) | (unsigned)flags);
        if (form == FORM_EXPLICIT) {
            w += varint_put(w, d);
            w += varint_put(w, s2);
        }
        vk += 2 + vk_int_size((int64_t)(id.ms - node_key.ms)) + vk_int_size((int64_t)(id.seq - node_key.seq));
        if (!same) {
            w += varint_put(w, (uint64_t)nf);
            vk += vk_int_size(nf);
        }
        for (int64_t i = 0; i < (same ? nf : 2 * nf); i++) LOAD_ELEM();
        int64_t lpcount;
        LOAD_INT(lpcount);
        if (lpcount != (same ? same_lpcount : 2 * nf + 4)) goto bad;
        items += (uint64_t)lpcount + 1;
        vk += vk_int_size(lpcount);
        seen_deleted += (uint64_t)flags & SS_DELETED;
        entries++;
        prev = id;
        general_bytes += (size_t)(p - entry_start);
        fast_ok = lpc_byte < 0x80 && sid_cmp(node_key, master) == 0;
    }
    entries += fast;
    if (entries == 0 || entries - seen_deleted != (uint64_t)count || seen_deleted != (uint64_t)deleted) goto bad;
    vk += (size_t)(end - entries_start) - general_bytes;
    items += fast * ((uint64_t)same_lpcount + 1);
    /* The header's count, as deep validation checks it. */
    uint32_t head = lp_reader_count(lp);
    if (head != LP_COUNT_UNKNOWN && head != items) goto bad;
    unsigned char *data = buf + sizeof(SsNode);
    size_t used = (size_t)(w - data);
    if (used > UINT32_MAX || vk > UINT32_MAX) goto bad;
    SsNode *n;
    if (buf == stack) {
        n = mem_alloc(sizeof(SsNode) + used);
        memcpy(n->data, data, used);
    } else {
        n = mem_realloc(buf, sizeof(SsNode) + used);
    }
    n->used = n->cap = (uint32_t)used;
    n->live = (uint32_t)(entries - seen_deleted);
    n->deleted = (uint32_t)seen_deleted;
    n->vk_fixed = (uint32_t)vk;
    n->first_off = (uint32_t)first_off;
    n->nmaster = (uint32_t)nmaster;
    node_set(idt_insert(&s->index, node_key, NULL), n);
    s->length += n->live;
    /* The tail cache, so the next node's order check needs no walk. */
    s->tail_node = n;
    s->tail_last = prev;
    s->tail_last_off = (uint32_t)last_off;
    return 1;
bad:
    if (buf != stack) mem_free(buf);
    return 0;
}
