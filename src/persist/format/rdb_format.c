/* rdb_format.c - names and kinds of the RDB object types (rdb_format.h). */
#include "rdb_format.h"

const char *rdb_type_name(int t) {
    static const char *const names[RDB_TYPE_COUNT] = {
        "string", "list-linked", "set-hashtable", "zset-v1", "hash-hashtable", "zset-v2",
        "module-pre-release", "module-value", "", "hash-zipmap", "list-ziplist", "set-intset",
        "zset-ziplist", "hash-ziplist", "quicklist", "stream", "hash-listpack", "zset-listpack",
        "quicklist-v2", "stream-v2", "set-listpack", "stream-v3",
    };
    return t >= 0 && t < RDB_TYPE_COUNT && names[t][0] ? names[t] : "unknown";
}

int rdb_type_value_kind(int t) {
    switch (t) {
    case RDB_TYPE_STRING: return 0;
    case RDB_TYPE_LIST:
    case RDB_TYPE_LIST_ZIPLIST:
    case RDB_TYPE_LIST_QUICKLIST:
    case RDB_TYPE_LIST_QUICKLIST_2: return 1;
    case RDB_TYPE_SET:
    case RDB_TYPE_SET_INTSET:
    case RDB_TYPE_SET_LISTPACK: return 2;
    case RDB_TYPE_ZSET:
    case RDB_TYPE_ZSET_2:
    case RDB_TYPE_ZSET_ZIPLIST:
    case RDB_TYPE_ZSET_LISTPACK: return 3;
    case RDB_TYPE_HASH:
    case RDB_TYPE_HASH_ZIPMAP:
    case RDB_TYPE_HASH_ZIPLIST:
    case RDB_TYPE_HASH_LISTPACK: return 4;
    case RDB_TYPE_STREAM_LISTPACKS:
    case RDB_TYPE_STREAM_LISTPACKS_2:
    case RDB_TYPE_STREAM_LISTPACKS_3: return 6;
    default: return -1;
    }
}
