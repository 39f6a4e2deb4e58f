/* trio.h - the Trio policy's internal entry points (trio_*.c). */
#ifndef CS_TRIO_H
#define CS_TRIO_H

#include "engine_internal.h"

void cs__trio_scope_enter(cs__engine *e, cs__scope *s, cs__task *t);
cs__completion cs__trio_scope_exit(cs__engine *e, cs__scope *s, cs__completion c);
void cs__trio_scope_cancel(cs__engine *e, cs__scope *s, const char *reason, cs_cancel_cause cause);
void cs__trio_scope_set_deadline(cs__engine *e, cs__scope *s, double deadline);
void cs__trio_scope_set_shield(cs__engine *e, cs__scope *s, bool shield);
bool cs__trio_scope_cancel_called(cs__engine *e, cs__scope *s);
double cs__trio_effective_deadline(const cs__engine *e, const cs__task *t);
bool cs__trio_deadline_due(const cs__engine *e, double deadline);
void cs__trio_expire(cs__engine *e);
double cs__trio_next_deadline(cs__engine *e);
void cs__trio_dl_pop(cs__engine *e);

int cs__trio_step_tg(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf);
cs_exc *cs__trio_spawn(cs__engine *e, cs__tg *g, cs__task *parent, const char *name, int64_t index, const cs_stmt *st);
void cs__trio_child_finished(cs__engine *e, cs__tg *g, cs__task *t);
void cs__trio_run(cs__engine *e);
void cs__nursery_check_closed(cs__engine *e, cs__tg *g);
void cs__nursery_add_exc(cs__engine *e, cs__tg *g, cs_exc *x, const char *what);
void cs__trio_reparent(cs__engine *e, cs__scope *s, cs__scope *parent);
void cs__trio_free(cs__engine *e);
uint64_t cs__trio_draw(cs__engine *e);
void cs__trio_shuffle(cs__engine *e, void **v, size_t n);
uint32_t cs__trio_choose(cs__engine *e, uint32_t k);

#endif
