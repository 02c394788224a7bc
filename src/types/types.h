/* types.h - the data types' registration: types_init() registers every
 * type's TypeOps with the object layer (kv_register_type).  main.c calls
 * it once at start-up, before the configuration is loaded. */
#ifndef TYPES_TYPES_H
#define TYPES_TYPES_H

void types_init(void);

/* Each type's own registration, called by types_init(). */
void string_type_init(void);
void hash_type_init(void);
void list_type_init(void);
void set_type_init(void);
void zset_type_init(void);
void stream_type_init(void);

#endif
