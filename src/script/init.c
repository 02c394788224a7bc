/* init.c - start-up of scripting: both interpreters, and the hooks the
 * server layer calls upward through (dispatch's -BUSY check, INFO). */
#include "engine.h"
#include "run.h"
#include "script.h"

static void script_info(ScriptInfo *out) {
    *out = (ScriptInfo){0};
    eval_info(out);
    functions_info(out);
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
}
