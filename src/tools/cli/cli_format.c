/* cli_format.c - turns a reply tree into text the way valkey-cli prints
 * it: the human form on a terminal ("(integer) 1", "1) \"a\"", nested
 * aggregates indented under their index), the raw form when stdout is not
 * a terminal, CSV, and JSON (plain or ASCII-quoted).
 *
 * Invariant: every function appends to `out` and returns the (possibly
 * moved) Str; none prints or keeps state, so the tests can pin each
 * reply type's text by running the binary against DEBUG PROTOCOL. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../../ds/alloc.h"

static int is_error(const RespValue *v) { return v->type == RESP_T_ERROR || v->type == RESP_T_BLOBERR; }

static int is_text(const RespValue *v) {
    return v->type == RESP_T_BULK || v->type == RESP_T_SIMPLE || v->type == RESP_T_VERBATIM;
}

static int is_aggregate(const RespValue *v) {
    return v->type == RESP_T_ARRAY || v->type == RESP_T_SET || v->type == RESP_T_MAP ||
           v->type == RESP_T_PUSH;
}

/* Elements stored for v: maps keep key and value in turn. */
static size_t stored_elems(const RespValue *v) { return v->type == RESP_T_MAP ? v->count * 2 : v->count; }

/* One reply line: an optional "(kind) " label, then the text as it is. */
static Str *labelled_line(Str *out, const char *label, const RespValue *v) {
    if (label) out = str_cat_cstr(out, label);
    out = str_cat(out, v->str, v->len);
    return str_cat(out, "\n", 1);
}

Str *cli_format_tty(Str *out, const RespValue *v, const char *prefix) {
    switch (v->type) {
    case RESP_T_ERROR:
    case RESP_T_BLOBERR: return labelled_line(out, "(error) ", v);
    case RESP_T_SIMPLE: return labelled_line(out, NULL, v);
    case RESP_T_INT: return str_catfmt(out, "(integer) %lld\n", v->integer);
    case RESP_T_DOUBLE: return labelled_line(out, "(double) ", v);
    case RESP_T_BIGNUM: return labelled_line(out, "(big number) ", v);
    case RESP_T_BULK:
        out = str_cat_repr(out, v->str, v->len);
        return str_cat(out, "\n", 1);
    case RESP_T_VERBATIM:
        /* Verbatim text is meant to be shown as it is. */
        return labelled_line(out, NULL, v);
    case RESP_T_NULL: return str_cat_cstr(out, "(nil)\n");
    case RESP_T_BOOL: return str_cat_cstr(out, v->integer ? "(true)\n" : "(false)\n");
    default: break;
    }
    if (!is_aggregate(v)) return str_catfmt(out, "(unknown reply type %c)\n", v->type);
    if (v->count == 0) {
        const char *e = v->type == RESP_T_MAP   ? "(empty hash)\n"
                        : v->type == RESP_T_SET ? "(empty set)\n"
                        : v->type == RESP_T_PUSH ? "(empty push)\n"
                                                 : "(empty array)\n";
        return str_cat_cstr(out, e);
    }
    /* Index width is that of the largest index; children are indented by
     * it plus the separator and a space. */
    int width = 0;
    for (size_t n = v->count; n; n /= 10) width++;
    char sep = v->type == RESP_T_SET ? '~' : v->type == RESP_T_MAP ? '#' : ')';
    size_t plen = strlen(prefix);
    char *child = mem_alloc(plen + (size_t)width + 3);
    memcpy(child, prefix, plen);
    memset(child + plen, ' ', (size_t)width + 2);
    child[plen + (size_t)width + 2] = '\0';
    size_t step = v->type == RESP_T_MAP ? 2 : 1;
    for (size_t i = 0, idx = 1; i < stored_elems(v); i += step, idx++) {
        /* The caller already wrote our own index line's prefix. */
        out = str_catfmt(out, "%s%*zu%c ", i == 0 ? "" : prefix, width, idx, sep);
        out = cli_format_tty(out, v->elem[i], child);
        if (v->type == RESP_T_MAP) {
            out->len--;   /* the key's newline: the value goes on its line */
            out->buf[out->len] = '\0';
            out = str_cat(out, " => ", 4);
            out = cli_format_tty(out, v->elem[i + 1], child);
        }
    }
    mem_free(child);
    return out;
}

Str *cli_format_raw(Str *out, const RespValue *v) {
    const char *delim = cli_cfg.mb_delim ? cli_cfg.mb_delim : "\n";
    switch (v->type) {
    case RESP_T_NULL: return out;
    case RESP_T_ERROR:
    case RESP_T_BLOBERR:
        out = str_cat(out, v->str, v->len);
        return str_cat(out, "\n", 1);
    case RESP_T_SIMPLE:
    case RESP_T_BULK:
    case RESP_T_VERBATIM:
    case RESP_T_DOUBLE:
    case RESP_T_BIGNUM: return str_cat(out, v->str, v->len);
    case RESP_T_INT: return str_catfmt(out, "%lld", v->integer);
    case RESP_T_BOOL: return str_cat_cstr(out, v->integer ? "(true)" : "(false)");
    case RESP_T_MAP:
        for (size_t i = 0; i < v->count; i++) {
            if (i) out = str_cat_cstr(out, delim);
            out = cli_format_raw(out, v->elem[2 * i]);
            out = str_cat(out, " ", 1);
            out = cli_format_raw(out, v->elem[2 * i + 1]);
        }
        return out;
    default:
        if (!is_aggregate(v)) return out;
        for (size_t i = 0; i < v->count; i++) {
            if (i) out = str_cat_cstr(out, delim);
            out = cli_format_raw(out, v->elem[i]);
        }
        return out;
    }
}

Str *cli_format_csv(Str *out, const RespValue *v) {
    switch (v->type) {
    case RESP_T_ERROR:
    case RESP_T_BLOBERR:
        out = str_cat_cstr(out, "ERROR,");
        return str_cat_repr(out, v->str, v->len);
    case RESP_T_SIMPLE:
    case RESP_T_BULK:
    case RESP_T_VERBATIM: return str_cat_repr(out, v->str, v->len);
    case RESP_T_INT: return str_catfmt(out, "%lld", v->integer);
    case RESP_T_DOUBLE:
    case RESP_T_BIGNUM: return str_cat(out, v->str, v->len);
    case RESP_T_NULL: return str_cat_cstr(out, "NULL");
    case RESP_T_BOOL: return str_cat_cstr(out, v->integer ? "true" : "false");
    default:
        if (!is_aggregate(v)) return out;
        for (size_t i = 0; i < stored_elems(v); i++) {
            if (i) out = str_cat(out, ",", 1);
            out = cli_format_csv(out, v->elem[i]);
        }
        return out;
    }
}

/* JSON string body: quotes, backslashes and control bytes escaped; other
 * bytes (UTF-8 included) pass as they are. */
static Str *cat_json_body(Str *out, const char *p, size_t len) {
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        switch (c) {
        case '"': out = str_cat(out, "\\\"", 2); break;
        case '\\': out = str_cat(out, "\\\\", 2); break;
        case '\n': out = str_cat(out, "\\n", 2); break;
        case '\r': out = str_cat(out, "\\r", 2); break;
        case '\t': out = str_cat(out, "\\t", 2); break;
        case '\b': out = str_cat(out, "\\b", 2); break;
        case '\f': out = str_cat(out, "\\f", 2); break;
        default:
            if (c < 32) out = str_catfmt(out, "\\u%04x", c);
            else out = str_cat(out, (const char *)&c, 1);
        }
    }
    return out;
}

/* --quoted-json: the string's escaped form (ASCII only) as JSON text, so
 * binary data survives any JSON reader and decodes to "a\x00b". */
static Str *cat_json_string(Str *out, const char *p, size_t len, int quoted) {
    out = str_cat(out, "\"", 1);
    if (quoted) {
        Str *r = str_cat_repr(str_with_capacity(len + 8), p, len);
        out = cat_json_body(out, r->buf + 1, r->len - 2);
        str_free(r);
    } else {
        out = cat_json_body(out, p, len);
    }
    return str_cat(out, "\"", 1);
}

Str *cli_format_json(Str *out, const RespValue *v, int quoted) {
    switch (v->type) {
    case RESP_T_ERROR:
    case RESP_T_BLOBERR:
        out = str_cat_cstr(out, "error:");
        return cat_json_string(out, v->str, v->len, quoted);
    case RESP_T_SIMPLE:
    case RESP_T_BULK:
    case RESP_T_VERBATIM: return cat_json_string(out, v->str, v->len, quoted);
    case RESP_T_INT: return str_catfmt(out, "%lld", v->integer);
    case RESP_T_DOUBLE:
    case RESP_T_BIGNUM: return str_cat(out, v->str, v->len);
    case RESP_T_NULL: return str_cat_cstr(out, "null");
    case RESP_T_BOOL: return str_cat_cstr(out, v->integer ? "true" : "false");
    case RESP_T_MAP:
        out = str_cat(out, "{", 1);
        for (size_t i = 0; i < v->count; i++) {
            const RespValue *k = v->elem[2 * i];
            if (i) out = str_cat(out, ",", 1);
            if (is_text(k)) {
                out = cat_json_string(out, k->str, k->len, quoted);
            } else {
                /* JSON keys are strings: quote whatever the key printed as. */
                Str *ks = cli_format_json(str_with_capacity(16), k, quoted);
                out = cat_json_string(out, ks->buf, ks->len, 0);
                str_free(ks);
            }
            out = str_cat(out, ":", 1);
            out = cli_format_json(out, v->elem[2 * i + 1], quoted);
        }
        return str_cat(out, "}", 1);
    default:
        if (!is_aggregate(v)) return out;
        out = str_cat(out, "[", 1);
        for (size_t i = 0; i < v->count; i++) {
            if (i) out = str_cat(out, ",", 1);
            out = cli_format_json(out, v->elem[i], quoted);
        }
        return str_cat(out, "]", 1);
    }
}

Str *cli_format_reply(Str *out, const RespValue *v, int mode) {
    const char *cmd_delim = cli_cfg.cmd_delim ? cli_cfg.cmd_delim : "\n";
    switch (mode) {
    case CLI_OUT_STANDARD: return cli_format_tty(out, v, "");
    case CLI_OUT_RAW:
        out = cli_format_raw(out, v);
        return str_cat_cstr(out, cmd_delim);
    case CLI_OUT_CSV:
        out = cli_format_csv(out, v);
        return str_cat(out, "\n", 1);
    default:
        out = cli_format_json(out, v, mode == CLI_OUT_QUOTED_JSON);
        return str_cat(out, "\n", 1);
    }
}

int cli_reply_is_error(const RespValue *v) { return is_error(v); }
