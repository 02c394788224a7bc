/* listpack_view.c - listpacks read in place for the loaders (see
 * listpack_view.h). */
#include "listpack_view.h"

#include "../../deps/numconv/numconv.h"
#include <string.h>

#include "../ds/alloc.h"

static void lpv_init(LpView *v) {
    v->e = v->e_inline;
    v->n = 0;
    v->t = v->t_inline;
    v->ints = v->ints_inline;
}

int lpv_read_pairs(LpView *v, RdbReader *r) {
    lpv_init(v);
    const char *blob;
    size_t size;
    if (!r->string(r, &blob, &size)) return 0;
    long n = lp_read_all((const unsigned char *)blob, size, &v->e, LPV_INLINE);
    if (n < 0) return r->fail(r, "Listpack integrity check failed.");
    if (n & 1) return r->fail(r, "Listpack with an odd number of entries where pairs belong");
    if (n == 0) {
        r->empty = 1;
        return 0;
    }
    v->n = (size_t)n;
    return 1;
}

void lpv_from_listpack(LpView *v, const unsigned char *lp) {
    lpv_init(v);
    size_t cap = LPV_INLINE;
    for (unsigned char *p = lp_first((unsigned char *)lp); p; p = lp_next((unsigned char *)lp, p)) {
        if (v->n == cap) {
            LpEntry *ne = mem_alloc(2 * cap * sizeof(*ne));
            memcpy(ne, v->e, v->n * sizeof(*ne));
            if (v->e != v->e_inline) mem_free(v->e);
            v->e = ne;
            cap *= 2;
        }
        lp_get_entry(p, &v->e[v->n++]);
    }
}

const ByteView *lpv_texts(LpView *v, size_t first, size_t step, size_t *n) {
    size_t k = first < v->n ? (v->n - first + step - 1) / step : 0;
    if (k > LPV_INLINE) v->t = mem_alloc(k * sizeof(ByteView));
    if (k > LPV_INLINE_INTS) {
        /* Only then can the integers outgrow the inline buffer. */
        size_t ints = 0;
        for (size_t i = first; i < v->n; i += step)
            if (!v->e[i].sval) ints++;
        if (ints > LPV_INLINE_INTS) v->ints = mem_alloc(ints * LP_INTBUF_SIZE);
    }
    char *buf = v->ints;
    ByteView *t = v->t;
    for (size_t i = first; i < v->n; i += step, t++) {
        const LpEntry *e = &v->e[i];
        if (e->sval) {
            t->p = e->sval;
            t->len = e->slen;
        } else {
            t->p = buf;
            t->len = ll_to_str(buf, e->lval);
            buf += LP_INTBUF_SIZE;
        }
    }
    *n = k;
    return v->t;
}

void lpv_release(LpView *v) {
    if (v->e != v->e_inline) mem_free(v->e);
    if (v->t != v->t_inline) mem_free(v->t);
    if (v->ints != v->ints_inline) mem_free(v->ints);
    lpv_init(v);
}
