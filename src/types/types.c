/* types.c - registers every data type with the object layer.  Adding a
 * type means adding its *_type_init() call here and nothing in server/. */
#include "types.h"

void types_init(void) {
    string_type_init();
    hash_type_init();
    list_type_init();
    set_type_init();
    zset_type_init();
    stream_type_init();
}
