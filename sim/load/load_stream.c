/* load_stream.c - memory object streams in a scenario file: the top-level
 * "memory_streams" declarations, the ends `clone` statements make, and the
 * references of the stream statements (scenario-format.md section 2).
 *
 * Each declared stream gives two named ends (stream_ends[2i] send, [2i + 1]
 * receive); a clone's end gets the name its "as" gives and the direction of
 * the end it is cloned from.  A clone may name an end another clone makes,
 * written anywhere in the file, so clones are declared in passes until none
 * is left (at most one pass per clone).  Whether an end exists yet when a
 * statement runs (its clone ran before) is a run-time question.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "util.h"

static int cs__end_add(cs__loader *ld, const char *name, cs_pos pos, int32_t stream, bool send, int32_t clone_of)
{
    char r[256];
    if (cs__strmap_get(&ld->ends, name) >= 0)
        return cs__fail(ld, pos, "stream end %s is already declared (end names must be unique)",
                        cs__repr(r, sizeof r, name));
    if (ld->nends == ld->capends) {
        ld->capends = ld->capends ? ld->capends * 2 : 8;
        ld->endv = cs_xrealloc(ld->endv, ld->capends * sizeof *ld->endv);
    }
    ld->endv[ld->nends] = (cs_stream_end){name, stream, send, clone_of};
    cs__strmap_put(&ld->ends, name, (int32_t)ld->nends++);
    return 0;
}

/* One end name of a declaration: a non-empty string without NUL. */
static int cs__end_name(cs__loader *ld, const json_t *d, uint32_t dnode, const char *key, int32_t stream)
{
    const json_t *v = json_object_get(d, key);
    uint32_t node = cs__member(ld, d, dnode, key);
    if (!v)
        return cs__fail(ld, cs__vpos(ld, dnode), "a memory stream needs '%s' (the name of its %s end)", key, key);
    if (cs__json_has_nul(v))
        return cs__fail(ld, cs__vpos(ld, node), "%s: " CS__NUL_NAME, key);
    if (!json_is_string(v) || !json_string_value(v)[0])
        return cs__fail(ld, cs__vpos(ld, node), "%s: expected a non-empty name", key);
    return cs__end_add(ld, cs__program_strdup(ld->prog, json_string_value(v)), cs__vpos(ld, node), stream,
                       strcmp(key, "send") == 0, -1);
}

/* max_buffer_size: an integer >= 0 or "inf", as create_memory_object_stream
 * takes it (a float or a negative number is its ValueError). */
static int cs__max_buffer(cs__loader *ld, const json_t *d, uint32_t dnode, cs_stream_decl *out)
{
    const json_t *v = json_object_get(d, "max_buffer_size");
    if (!v)
        return 0; /* AnyIO's default: 0 */
    uint32_t node = cs__member(ld, d, dnode, "max_buffer_size");
    if (json_is_string(v) && strcmp(json_string_value(v), "inf") == 0) {
        out->infinite = true;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return cs__fail(ld, cs__vpos(ld, node),
                        "max_buffer_size must be an integer >= 0 or \"inf\" "
                        "(AnyIO raises ValueError for anything else)");
    out->max_buffer_size = json_integer_value(v);
    return 0;
}

int cs__load_streams(cs__loader *ld, const json_t *doc)
{
    const json_t *l = json_object_get(doc, "memory_streams");
    if (!l)
        return 0;
    uint32_t node = cs__member(ld, doc, 0, "memory_streams");
    if (!json_is_array(l))
        return cs__fail(ld, cs__vpos(ld, node),
                        "memory_streams must be a list of "
                        "{\"send\": NAME, \"receive\": NAME, \"max_buffer_size\": N}");
    size_t n = json_array_size(l);
    cs_stream_decl *streams = cs__program_alloc(ld->prog, n * sizeof *streams);
    uint32_t c = cs__jpos_first(&ld->idx, node);
    char r[256];
    for (size_t i = 0; i < n; i++, c = cs__jpos_next(&ld->idx, node, c)) {
        const json_t *d = json_array_get(l, i);
        if (!json_is_object(d))
            return cs__fail(ld, cs__vpos(ld, c),
                            "a memory stream must be an object "
                            "{\"send\": NAME, \"receive\": NAME, \"max_buffer_size\": N}");
        uint32_t k = cs__jpos_first(&ld->idx, c);
        for (void *it = json_object_iter((json_t *)d); it; it = json_object_iter_next((json_t *)d, it)) {
            const char *key = json_object_iter_key(it);
            if (strcmp(key, "send") && strcmp(key, "receive") && strcmp(key, "max_buffer_size"))
                return cs__fail(ld, cs__kpos(ld, k), "unknown key %s for a memory stream", cs__repr(r, sizeof r, key));
            k = cs__jpos_next(&ld->idx, c, k);
        }
        streams[i] = (cs_stream_decl){0, false};
        if (cs__end_name(ld, d, c, "send", (int32_t)i) < 0 || cs__end_name(ld, d, c, "receive", (int32_t)i) < 0 ||
            cs__max_buffer(ld, d, c, &streams[i]) < 0)
            return -1;
    }
    ld->prog->streams = streams;
    ld->prog->nstreams = (uint32_t)n;
    return 0;
}

typedef struct cs__clones {
    cs_stmt **v;
    uint32_t n, cap;
} cs__clones;

static int cs__visit_clone(cs__loader *ld, cs__walk *w, cs_stmt *st, uint32_t level, unsigned ctx, void *user)
{
    (void)ld;
    (void)w;
    (void)level;
    (void)ctx;
    cs__clones *cl = user;
    if (st->op != CS_OP_CLONE)
        return 0;
    if (cl->n == cl->cap) {
        cl->cap = cl->cap ? cl->cap * 2 : 8;
        cl->v = cs_xrealloc(cl->v, cl->cap * sizeof *cl->v);
    }
    cl->v[cl->n++] = st;
    return 0;
}

/* Declares the end every clone statement makes (before references are
 * resolved: a statement may name a clone's end). */
int cs__declare_clones(cs__loader *ld)
{
    cs__clones cl = {0};
    int rc = cs__walk_all(ld, cs__visit_clone, &cl);
    char r[256];
    /* each pass declares at least one clone or stops: at most cl.n passes */
    for (bool progress = true; rc == 0 && cl.n && progress;) {
        progress = false;
        uint32_t kept = 0;
        for (uint32_t i = 0; i < cl.n && rc == 0; i++) {
            cs_stmt *st = cl.v[i];
            int32_t src = cs__strmap_get(&ld->ends, ld->refs[st->ref].ref);
            if (src < 0) {
                cl.v[kept++] = st;
                continue;
            }
            const cs_stream_end *s = &ld->endv[src];
            rc = cs__end_add(ld, st->name, st->pos, s->stream, s->send, src);
            progress = true;
        }
        cl.n = kept;
    }
    if (rc == 0 && cl.n)
        rc = cs__fail(ld, cl.v[0]->pos, "unknown stream end %s", cs__repr(r, sizeof r, ld->refs[cl.v[0]->ref].ref));
    free(cl.v);
    return rc;
}

/* The end a stream statement names, checked for its direction. */
int cs__resolve_stream(cs__loader *ld, cs_stmt *st, const char *name)
{
    char q[256];
    cs__repr(q, sizeof q, name);
    int32_t d = cs__strmap_get(&ld->ends, name);
    if (d < 0)
        return cs__fail(ld, st->pos, "unknown stream end %s", q);
    bool send = ld->endv[d].send;
    switch (st->op) {
    case CS_OP_SEND:
    case CS_OP_SEND_NOWAIT:
        if (!send)
            return cs__fail(ld, st->pos, "%s is a receive end (MemoryObjectReceiveStream): it cannot send", q);
        break;
    case CS_OP_RECEIVE:
    case CS_OP_RECEIVE_NOWAIT:
    case CS_OP_ASYNC_FOR:
        if (send)
            return cs__fail(ld, st->pos, "%s is a send end (MemoryObjectSendStream): it cannot receive", q);
        break;
    case CS_OP_CLONE: st->decl = cs__strmap_get(&ld->ends, st->name); break;
    default: break;
    }
    st->ref = d;
    return 0;
}

void cs__streams_done(cs__loader *ld)
{
    cs_stream_end *v = cs__program_alloc(ld->prog, (ld->nends ? ld->nends : 1) * sizeof *v);
    if (ld->nends)
        memcpy(v, ld->endv, ld->nends * sizeof *v);
    ld->prog->stream_ends = v;
    ld->prog->nstream_ends = ld->nends;
}
