/* verify_pool.c - `cancelsim verify --jobs N` on the worker pool (pool.h):
 * what a file's result looks like on a worker's pipe.
 *
 * Wire format per file: u32 entry count, u8 bad, then per entry i32 backend,
 * i32 status, u32 microseconds and four strings (name, detail, replay, note).
 */
#include "verify_pool.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"
#include "util.h"

typedef struct cs__vp {
    char *const *files;
    const cs_verify_options *opt;
    cs_verify_done_fn done;
    void *ctx;
} cs__vp;

static void cs__free_result(cs_verify_result *r)
{
    for (size_t k = 0; k < r->n; k++) {
        free(r->v[k].name);
        free(r->v[k].detail);
        free(r->v[k].replay);
        free(r->v[k].note);
    }
    free(r->v);
    memset(r, 0, sizeof *r);
}

static void *cs__work(void *ctx, size_t i)
{
    const cs__vp *vp = ctx;
    cs_verify_result *r = cs_xmalloc(sizeof *r);
    cs_verify_file(vp->files[i], vp->opt, r);
    return r;
}

static void cs__put(void *ctx, size_t i, const void *res, FILE *f)
{
    const cs_verify_result *r = res;
    cs_pool_put_u32(f, (uint32_t)r->n);
    fputc(r->bad ? 1 : 0, f);
    for (size_t k = 0; k < r->n; k++) {
        cs_pool_put_u32(f, (uint32_t)r->v[k].backend);
        cs_pool_put_u32(f, (uint32_t)r->v[k].status);
        cs_pool_put_u32(f, r->v[k].micros);
        cs_pool_put_str(f, r->v[k].name);
        cs_pool_put_str(f, r->v[k].detail);
        cs_pool_put_str(f, r->v[k].replay);
        cs_pool_put_str(f, r->v[k].note);
    }
}

/* A file's result, or NULL when the worker is gone. */
static void *cs__get(void *ctx, size_t i, FILE *f)
{
    const cs__vp *vp = ctx;
    uint32_t n;
    int bad;
    if (!cs_pool_get_u32(f, &n) || n > 64 || (bad = fgetc(f)) == EOF)
        return NULL;
    cs_verify_result *r = cs_xcalloc(1, sizeof *r);
    r->bad = bad != 0;
    r->v = cs_xcalloc(n ? n : 1, sizeof *r->v);
    for (uint32_t k = 0; k < n; k++) {
        cs_report_entry *e = &r->v[k];
        uint32_t b, st;
        e->file = vp->files[i];
        r->n = k + 1;
        if (!cs_pool_get_u32(f, &b) || !cs_pool_get_u32(f, &st) || !cs_pool_get_u32(f, &e->micros) ||
            !cs_pool_get_str(f, &e->name) || !cs_pool_get_str(f, &e->detail) || !cs_pool_get_str(f, &e->replay) ||
            !cs_pool_get_str(f, &e->note)) {
            cs__free_result(r);
            free(r);
            return NULL;
        }
        e->backend = (cs_backend)b;
        e->status = (cs_report_status)st;
    }
    return r;
}

static void cs__free(void *ctx, void *res)
{
    cs__free_result(res);
    free(res);
}

static void cs__worker_died(const char *file, cs_verify_result *r)
{
    memset(r, 0, sizeof *r);
    r->v = cs_xcalloc(1, sizeof *r->v);
    r->n = 1;
    r->bad = true;
    r->v[0] = (cs_report_entry){.file = file,
                                .name = cs_xstrdup(file),
                                .status = CS_REPORT_ERROR,
                                .detail = cs_xstrdup("the worker process verifying this file died")};
}

static void cs__done(void *ctx, size_t i, void *res)
{
    const cs__vp *vp = ctx;
    cs_verify_result lost, *r = res;
    if (!r) {
        cs__worker_died(vp->files[i], &lost);
        r = &lost;
    }
    vp->done(vp->ctx, i, r);
    free(r->v);
    if (r != &lost)
        free(r);
}

void cs_verify_pool(char *const *files, size_t nfiles, unsigned jobs, const cs_verify_options *opt,
                    cs_verify_done_fn done, void *ctx)
{
    cs__vp vp = {.files = files, .opt = opt, .done = done, .ctx = ctx};
    static const cs_pool_ops ops = {cs__work, cs__put, cs__get, cs__free, cs__done};
    cs_pool_run(nfiles, jobs, &ops, &vp);
}
