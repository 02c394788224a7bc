/* check_rdb.c - valkey-check-rdb: reads an RDB file, validates every
 * opcode and every value fully (src/persist/format/rdb_check.c, the
 * rules the server's loader enforces), verifies the CRC-64, and prints
 * Valkey's kind of report: the AUX fields and databases met, then either
 * "\o/ RDB looks OK! \o/" or the first error with its offset, what was
 * being read and the key; counts of keys, expires and keys per type.
 * Exit status 0 when the file is sound, 1 otherwise.
 *
 *   valkey-check-rdb <rdb-file-name>
 *   valkey-check-rdb -v | --version */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "../../ds/alloc.h"
#include "../../persist/format/rdb_check.h"
#include "../../persist/format/rdb_format.h"
#include "../../persist/format/rdb_in.h"

#define CHECK_VERSION "8.0.0"

enum { DOING_START, DOING_TYPE, DOING_EXPIRE, DOING_KEY, DOING_VALUE, DOING_CHECKSUM, DOING_LEN, DOING_AUX,
       DOING_MODULE_AUX, DOING_FUNCTIONS };
static const char *const doing_names[] = {"start", "read-type", "read-expire", "read-key", "read-object-value",
                                          "check-sum", "read-len", "read-aux", "read-module-aux",
                                          "read-functions"};

static struct {
    RdbIn in;
    int doing;
    int key_type;
    char key[128];
    int have_key;
    unsigned long long keys, expires, already_expired, per_type[RDB_TYPE_COUNT];
} st;

static void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void info(const char *fmt, ...) {
    va_list ap;
    printf("[offset %llu] ", (unsigned long long)rdbi_offset(&st.in));
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static void show_counts(void) {
    printf("[info] %llu keys read\n", st.keys);
    printf("[info] %llu expires\n", st.expires);
    printf("[info] %llu already expired\n", st.already_expired);
    for (int t = 0; t < RDB_TYPE_COUNT; t++)
        if (st.per_type[t]) printf("[info] %llu keys of type %s\n", st.per_type[t], rdb_type_name(t));
}

static int report_error(void) {
    printf("--- RDB ERROR DETECTED ---\n");
    printf("[offset %llu] %s\n", (unsigned long long)(st.in.failed ? st.in.fail_off : rdbi_offset(&st.in)),
           st.in.why[0] ? st.in.why : "Unexpected EOF reading RDB file");
    printf("[additional info] While doing: %s\n", doing_names[st.doing]);
    if (st.have_key) printf("[additional info] Reading key '%s'\n", st.key);
    if (st.key_type != -1) printf("[additional info] Reading type %d (%s)\n", st.key_type, rdb_type_name(st.key_type));
    show_counts();
    return 1;
}

/* A printable copy of a string read (for the report). */
static void printable(char *dst, size_t cap, const unsigned char *p, size_t len) {
    size_t n = len < cap - 1 ? len : cap - 1;
    for (size_t i = 0; i < n; i++) dst[i] = p[i] >= 32 && p[i] < 127 ? (char)p[i] : '?';
    dst[n] = '\0';
}

static int64_t now_ms(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static int check_file(const char *path) {
    RdbIn *in = &st.in;
    unsigned char hdr[RDB_HEADER_LEN + 1];
    st.key_type = -1;
    if (!rdbi_read(in, hdr, RDB_HEADER_LEN)) return report_error();
    hdr[RDB_HEADER_LEN] = '\0';
    if (memcmp(hdr, "REDIS", 5) != 0) {
        rdbi_fail(in, "Wrong signature trying to load DB from file");
        return report_error();
    }
    int ver = atoi((const char *)hdr + 5);
    if (ver < RDB_MIN_VERSION || ver > RDB_VERSION) {
        rdbi_fail(in, "Can't handle RDB format version %d", ver);
        return report_error();
    }
    in->rdbver = ver;
    (void)path;
    int64_t expire = -1, now = now_ms();
    for (;;) {
        unsigned type;
        uint64_t a, b, c;
        const unsigned char *s;
        size_t slen;
        st.doing = DOING_TYPE;
        if (!rdbi_u8(in, &type)) return report_error();
        if (type == RDB_OPCODE_EXPIRETIME || type == RDB_OPCODE_EXPIRETIME_MS) {
            st.doing = DOING_EXPIRE;
            if (!(type == RDB_OPCODE_EXPIRETIME ? rdbi_secs(in, &expire) : rdbi_ms(in, &expire))) return report_error();
            if (type == RDB_OPCODE_EXPIRETIME) expire *= 1000;
        } else if (type == RDB_OPCODE_FREQ) {
            if (!rdbi_u8(in, &type)) return report_error();
        } else if (type == RDB_OPCODE_IDLE) {
            if (!rdbi_len(in, &a, NULL)) return report_error();
        } else if (type == RDB_OPCODE_EOF) {
            break;
        } else if (type == RDB_OPCODE_SELECTDB) {
            st.doing = DOING_LEN;
            if (!rdbi_len(in, &a, NULL)) return report_error();
            info("Selecting DB ID %llu", (unsigned long long)a);
        } else if (type == RDB_OPCODE_RESIZEDB) {
            st.doing = DOING_LEN;
            if (!rdbi_len(in, &a, NULL) || !rdbi_len(in, &b, NULL)) return report_error();
        } else if (type == RDB_OPCODE_SLOT_INFO) {
            st.doing = DOING_LEN;
            if (!rdbi_len(in, &a, NULL) || !rdbi_len(in, &b, NULL) || !rdbi_len(in, &c, NULL)) return report_error();
        } else if (type == RDB_OPCODE_AUX) {
            char k[128], v[256];
            st.doing = DOING_AUX;
            if (!rdbi_string(in, &s, &slen)) return report_error();
            printable(k, sizeof(k), s, slen);
            if (!rdbi_string(in, &s, &slen)) return report_error();
            printable(v, sizeof(v), s, slen);
            info("AUX FIELD %s = '%s'", k, v);
        } else if (type == RDB_OPCODE_MODULE_AUX) {
            st.doing = DOING_MODULE_AUX;
            if (!rdbi_len(in, &a, NULL) || !rdbi_len(in, &b, NULL) || !rdbi_len(in, &c, NULL)) return report_error();
            if (b != RDB_MODULE_OPCODE_UINT) {
                rdbi_fail(in, "bad when_opcode");
                return report_error();
            }
            info("MODULE AUX for: %llu", (unsigned long long)a);
            /* The rest is a module value body without its id. */
            for (;;) {
                uint64_t op, v;
                double d;
                unsigned char f[4];
                if (!rdbi_len(in, &op, NULL)) return report_error();
                if (op == RDB_MODULE_OPCODE_EOF) break;
                int ok = op == RDB_MODULE_OPCODE_SINT || op == RDB_MODULE_OPCODE_UINT ? rdbi_len(in, &v, NULL)
                         : op == RDB_MODULE_OPCODE_STRING                             ? rdbi_string_skip(in)
                         : op == RDB_MODULE_OPCODE_FLOAT                              ? rdbi_read(in, f, 4)
                         : op == RDB_MODULE_OPCODE_DOUBLE                             ? rdbi_double_bin(in, &d)
                                                                                      : rdbi_fail(in, "Unknown module opcode");
                if (!ok) return report_error();
            }
        } else if (type == RDB_OPCODE_FUNCTION_PRE_GA) {
            rdbi_fail(in, "Pre-release function format not supported %d", ver);
            return report_error();
        } else if (type == RDB_OPCODE_FUNCTION2) {
            st.doing = DOING_FUNCTIONS;
            if (!rdbi_string_skip(in)) return report_error();
        } else {
            if (!rdb_is_object_type((int)type)) {
                rdbi_fail(in, "Invalid object type: %u", type);
                return report_error();
            }
            st.key_type = (int)type;
            st.doing = DOING_KEY;
            if (!rdbi_string(in, &s, &slen)) return report_error();
            printable(st.key, sizeof(st.key), s, slen);
            st.have_key = 1;
            st.keys++;
            st.doing = DOING_VALUE;
            if (!rdbf_check_value(in, (int)type)) return report_error();
            st.per_type[type]++;
            if (expire != -1) {
                st.expires++;
                if (expire < now) st.already_expired++;
            }
            st.have_key = 0;
            st.key_type = -1;
            expire = -1;
        }
    }
    if (ver >= 5) {
        st.doing = DOING_CHECKSUM;
        uint64_t expected = rdbi_crc(in), got = 0;
        unsigned char x[8];
        if (!rdbi_read(in, x, 8)) return report_error();
        for (int i = 7; i >= 0; i--) got = (got << 8) | x[i];
        if (got == 0) {
            info("RDB file was saved with checksum disabled: no check performed.");
        } else if (got != expected) {
            rdbi_fail(in, "RDB CRC error");
            return report_error();
        } else {
            info("Checksum OK");
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 2 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version"))) {
        printf("valkey-check-rdb %s\n", CHECK_VERSION);
        return 0;
    }
    if (argc != 2) {
        fprintf(stderr, "Usage: %s <rdb-file-name>\n", argv[0]);
        return 1;
    }
    int fd = open(argv[1], O_RDONLY);
    struct stat sb;
    uint64_t size = fd != -1 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : RDBI_SIZE_UNKNOWN;
    rdbi_init_fd(&st.in, fd, size);
    info("Checking RDB file %s", argv[1]);
    if (fd == -1) {
        rdbi_fail(&st.in, "Can't open %s: %s", argv[1], strerror(errno));
        st.key_type = -1;
        return report_error();
    }
    int rc = check_file(argv[1]);
    if (rc == 0) {
        info("\\o/ RDB looks OK! \\o/");
        show_counts();
    }
    rdbi_release(&st.in);
    close(fd);
    return rc;
}
