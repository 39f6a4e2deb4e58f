/* verify_pool.c - worker processes for `cancelsim verify --jobs N`.
 *
 * Worker w verifies files w, w+N, w+2N, ... in order and writes each result
 * to its own pipe; the parent reads file 0 from worker 0, file 1 from worker
 * 1, and so on, so results arrive in file order without any buffering in the
 * parent, and a worker blocked on a full pipe is always one the parent will
 * read next.  Processes rather than threads: the engine and the loader were
 * not written to share an address space, and a crash in one file then costs
 * only that worker's remaining files.
 *
 * Wire format per file: u32 entry count, u8 bad, then per entry i32 backend,
 * i32 status, u32 microseconds and four strings (name, detail, replay, note), each a u32 length
 * (UINT32_MAX for NULL) and its bytes.
 */
#include "verify_pool.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#define CS__MAX_JOBS 256u

static void cs__put_u32(FILE *f, uint32_t v)
{
    fwrite(&v, sizeof v, 1, f);
}

static void cs__put_str(FILE *f, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    cs__put_u32(f, s && n < UINT32_MAX ? (uint32_t)n : UINT32_MAX);
    if (s && n < UINT32_MAX)
        fwrite(s, 1, n, f);
}

static void cs__put_result(FILE *f, const cs_verify_result *r)
{
    cs__put_u32(f, (uint32_t)r->n);
    fputc(r->bad ? 1 : 0, f);
    for (size_t k = 0; k < r->n; k++) {
        cs__put_u32(f, (uint32_t)r->v[k].backend);
        cs__put_u32(f, (uint32_t)r->v[k].status);
        cs__put_u32(f, r->v[k].micros);
        cs__put_str(f, r->v[k].name);
        cs__put_str(f, r->v[k].detail);
        cs__put_str(f, r->v[k].replay);
        cs__put_str(f, r->v[k].note);
    }
}

static bool cs__get_u32(FILE *f, uint32_t *v)
{
    return fread(v, sizeof *v, 1, f) == 1;
}

static bool cs__get_str(FILE *f, char **s)
{
    uint32_t n;
    *s = NULL;
    if (!cs__get_u32(f, &n))
        return false;
    if (n == UINT32_MAX)
        return true;
    *s = cs_xmalloc((size_t)n + 1);
    if (fread(*s, 1, n, f) != n)
        return false;
    (*s)[n] = 0;
    return true;
}

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

/* Reads one file's result; false (and *r emptied) if the worker is gone. */
static bool cs__get_result(FILE *f, const char *file, cs_verify_result *r)
{
    uint32_t n;
    int bad;
    memset(r, 0, sizeof *r);
    if (!cs__get_u32(f, &n) || n > 64 || (bad = fgetc(f)) == EOF)
        return false;
    r->bad = bad != 0;
    r->v = cs_xcalloc(n ? n : 1, sizeof *r->v);
    for (uint32_t k = 0; k < n; k++) {
        cs_report_entry *e = &r->v[k];
        uint32_t b, st;
        e->file = file;
        r->n = k + 1;
        if (!cs__get_u32(f, &b) || !cs__get_u32(f, &st) || !cs__get_u32(f, &e->micros) || !cs__get_str(f, &e->name) ||
            !cs__get_str(f, &e->detail) || !cs__get_str(f, &e->replay) || !cs__get_str(f, &e->note)) {
            cs__free_result(r);
            return false;
        }
        e->backend = (cs_backend)b;
        e->status = (cs_report_status)st;
    }
    return true;
}

static void cs__worker_died(const char *file, cs_verify_result *r)
{
    memset(r, 0, sizeof *r);
    r->v = cs_xcalloc(1, sizeof *r->v);
    r->n = 1;
    r->bad = true;
    r->v[0] = (cs_report_entry){.file = file, .name = cs_xstrdup(file), .status = CS_REPORT_ERROR,
                                .detail = cs_xstrdup("the worker process verifying this file died")};
}

static void cs__serial(char *const *files, size_t nfiles, cs_verify_file_fn verify, cs_verify_done_fn done,
                       void *ctx)
{
    for (size_t i = 0; i < nfiles; i++) {
        cs_verify_result r = {0};
        verify(files[i], &r);
        done(ctx, i, &r);
        free(r.v);
    }
}

static void cs__worker(FILE *out, unsigned w, unsigned jobs, char *const *files, size_t nfiles,
                       cs_verify_file_fn verify)
{
    for (size_t i = w; i < nfiles; i += jobs) {
        cs_verify_result r = {0};
        verify(files[i], &r);
        cs__put_result(out, &r);
        cs__free_result(&r);
        if (fflush(out) != 0)
            break;
    }
    fclose(out);
    _exit(0);
}

void cs_verify_pool(char *const *files, size_t nfiles, unsigned jobs, cs_verify_file_fn verify,
                    cs_verify_done_fn done, void *ctx)
{
    if (jobs > CS__MAX_JOBS)
        jobs = CS__MAX_JOBS;
    if (jobs > nfiles)
        jobs = (unsigned)nfiles;
    if (jobs <= 1) {
        cs__serial(files, nfiles, verify, done, ctx);
        return;
    }
    int fds[CS__MAX_JOBS][2];
    pid_t pids[CS__MAX_JOBS];
    FILE *in[CS__MAX_JOBS];
    unsigned made = 0;
    for (; made < jobs; made++)
        if (pipe(fds[made]) != 0)
            break;
    if (made < jobs) {
        for (unsigned w = 0; w < made; w++) {
            close(fds[w][0]);
            close(fds[w][1]);
        }
        cs__serial(files, nfiles, verify, done, ctx);
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
            cs__worker(out, w, jobs, files, nfiles, verify);
        }
    }
    for (unsigned w = 0; w < jobs; w++) {
        close(fds[w][1]);
        in[w] = pids[w] > 0 ? fdopen(fds[w][0], "rb") : NULL;
        if (!in[w])
            close(fds[w][0]);
    }
    for (size_t i = 0; i < nfiles; i++) {
        unsigned w = (unsigned)(i % jobs);
        cs_verify_result r = {0};
        if (pids[w] < 0) {
            verify(files[i], &r); /* that worker never started: do its share here */
        } else if (!in[w] || !cs__get_result(in[w], files[i], &r)) {
            if (in[w]) {
                fclose(in[w]);
                in[w] = NULL;
            }
            cs__worker_died(files[i], &r);
        }
        done(ctx, i, &r);
        free(r.v);
    }
    for (unsigned w = 0; w < jobs; w++) {
        if (in[w])
            fclose(in[w]);
        if (pids[w] > 0)
            waitpid(pids[w], NULL, 0);
    }
}

size_t cs_verify_shard(char **files, size_t nfiles, uint64_t k, uint64_t n)
{
    assert(n >= 1 && k >= 1 && k <= n);
    size_t kept = 0;
    for (size_t i = 0; i < nfiles; i++) {
        if (i % n == k - 1)
            files[kept++] = files[i];
        else
            free(files[i]);
    }
    return kept;
}
