/* pool.c - worker processes with results in item order (see pool.h). */
#include "pool.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

void cs_pool_put_u32(FILE *f, uint32_t v)
{
    fwrite(&v, sizeof v, 1, f);
}

void cs_pool_put_u64(FILE *f, uint64_t v)
{
    fwrite(&v, sizeof v, 1, f);
}

void cs_pool_put_str(FILE *f, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    cs_pool_put_u32(f, s && n < UINT32_MAX ? (uint32_t)n : UINT32_MAX);
    if (s && n < UINT32_MAX)
        fwrite(s, 1, n, f);
}

bool cs_pool_get_u32(FILE *f, uint32_t *v)
{
    return fread(v, sizeof *v, 1, f) == 1;
}

bool cs_pool_get_u64(FILE *f, uint64_t *v)
{
    return fread(v, sizeof *v, 1, f) == 1;
}

bool cs_pool_get_str(FILE *f, char **s)
{
    uint32_t n;
    *s = NULL;
    if (!cs_pool_get_u32(f, &n))
        return false;
    if (n == UINT32_MAX)
        return true;
    *s = cs_xmalloc((size_t)n + 1);
    if (fread(*s, 1, n, f) != n) {
        free(*s);
        *s = NULL;
        return false;
    }
    (*s)[n] = 0;
    return true;
}

static void cs__serial(size_t n, const cs_pool_ops *ops, void *ctx)
{
    for (size_t i = 0; i < n; i++)
        ops->done(ctx, i, ops->work(ctx, i));
}

/* Worker w: items w, w+jobs, ... written in order; never returns. */
static void cs__worker(FILE *out, unsigned w, unsigned jobs, size_t n, const cs_pool_ops *ops, void *ctx)
{
    for (size_t i = w; i < n; i += jobs) {
        void *res = ops->work(ctx, i);
        ops->put(ctx, i, res, out);
        ops->free(ctx, res);
        if (fflush(out) != 0)
            break;
    }
    fclose(out);
    _exit(0);
}

void cs_pool_run(size_t n, unsigned jobs, const cs_pool_ops *ops, void *ctx)
{
    if (jobs > CS_POOL_MAX_JOBS)
        jobs = CS_POOL_MAX_JOBS;
    if (jobs > n)
        jobs = (unsigned)n;
    if (jobs <= 1) {
        cs__serial(n, ops, ctx);
        return;
    }
    int fds[CS_POOL_MAX_JOBS][2];
    pid_t pids[CS_POOL_MAX_JOBS];
    FILE *in[CS_POOL_MAX_JOBS];
    unsigned made = 0;
    for (; made < jobs; made++)
        if (pipe(fds[made]) != 0)
            break;
    if (made < jobs) {
        for (unsigned w = 0; w < made; w++) {
            close(fds[w][0]);
            close(fds[w][1]);
        }
        cs__serial(n, ops, ctx);
        return;
    }
    /* buffered output would otherwise be written once per child */
    fflush(stdout);
    fflush(stderr);
    for (unsigned w = 0; w < jobs; w++) {
        pids[w] = fork();
        if (pids[w] == 0) {
            for (unsigned o = 0; o < jobs; o++) {
                close(fds[o][0]);
                if (o != w)
                    close(fds[o][1]);
            }
            FILE *out = fdopen(fds[w][1], "wb");
            if (!out)
                _exit(1);
            cs__worker(out, w, jobs, n, ops, ctx);
        }
    }
    for (unsigned w = 0; w < jobs; w++) {
        close(fds[w][1]);
        in[w] = pids[w] > 0 ? fdopen(fds[w][0], "rb") : NULL;
        if (!in[w])
            close(fds[w][0]);
    }
    for (size_t i = 0; i < n; i++) {
        unsigned w = (unsigned)(i % jobs);
        void *res = NULL;
        if (pids[w] < 0) {
            res = ops->work(ctx, i); /* that worker never started: do its share here */
        } else if (in[w] && !(res = ops->get(ctx, i, in[w]))) {
            fclose(in[w]); /* the worker is gone: its remaining items are lost */
            in[w] = NULL;
        }
        ops->done(ctx, i, res);
    }
    for (unsigned w = 0; w < jobs; w++) {
        if (in[w])
            fclose(in[w]);
        if (pids[w] > 0)
            waitpid(pids[w], NULL, 0);
    }
}
