/* byteview.h - a read-only view of len bytes at p (not NUL-terminated,
 * not owned): how loaders hand strings they found inside a buffer to the
 * structures that copy them. */
#ifndef DS_BYTEVIEW_H
#define DS_BYTEVIEW_H

#include <stddef.h>

typedef struct ByteView {
    const char *p;
    size_t len;
} ByteView;

#endif
