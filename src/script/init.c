/* init.c - start-up of scripting: both interpreters, the hooks the
 * server layer calls upward through (dispatch's -BUSY check, INFO), and
 * the function libraries' part of an RDB file (persist/ calls the loader
 * per library found, the saver when it writes one). */
#include <stdio.h>
#include <string.h>

#include "../ds/alloc.h"
#include "../persist/persist.h"
#include "engine.h"
#include "run.h"
#include "script.h"

static void script_info(ScriptInfo *out) {
    *out = (ScriptInfo){0};
    eval_info(out);
    functions_info(out);
}

/* An RDB's library replaces one of the same name (a reload over a server
 * that already has it). */
static int rdb_load_library(const char *code, size_t len, char *err, size_t errcap) {
    char *e = NULL;
    if (functions_load_code(code, len, 1, &e) == 0) return 0;
    snprintf(err, errcap, "%s", e ? e : "failed loading a function library");
    mem_free(e);
    return -1;
}

typedef struct SaveCtx {
    rdb_function_emit_fn *emit;
    void *priv;
    int failed;
} SaveCtx;

static void save_one(const char *code, size_t len, void *priv) {
    SaveCtx *ctx = priv;
    if (!ctx->failed && ctx->emit(ctx->priv, code, len) == -1) ctx->failed = 1;
}

static int rdb_save_libraries(rdb_function_emit_fn *emit, void *priv) {
    SaveCtx ctx = {emit, priv, 0};
    functions_foreach_code(save_one, &ctx);
    return ctx.failed ? -1 : 0;
}

void script_init(void) {
    eval_init();
    functions_init();
    static const ScriptHooks hooks = {
        .busy_reject = run_busy_reject,
        .info = script_info,
        .stats_reset = eval_stats_reset,
    };
    script_hooks_register(&hooks);
    rdb_register_function_loader(rdb_load_library);
    rdb_register_function_saver(rdb_save_libraries);
}
