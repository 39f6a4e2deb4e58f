/* fault.c - parsing and printing fault plans (fault.h). */
#include "fault.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

bool cs_op_is_checkpoint(cs_op op)
{
    switch (op) {
    case CS_OP_SLEEP:
    case CS_OP_SLEEP_UNTIL:
    case CS_OP_SLEEP_FOREVER:
    case CS_OP_CHECKPOINT:
    case CS_OP_CHECKPOINT_IF_CANCELLED:
    case CS_OP_CANCEL_SHIELDED_CHECKPOINT:
    case CS_OP_START:
    case CS_OP_AWAIT_TASK:
    case CS_OP_TO_THREAD:
    case CS_OP_WAIT:
    case CS_OP_WITH_LOCK:
    case CS_OP_WITH_SEMAPHORE:
    case CS_OP_WITH_LIMITER:
    case CS_OP_SEND:
    case CS_OP_RECEIVE:
    case CS_OP_ASYNC_FOR:
    case CS_OP_WITH_CONDITION:
    case CS_OP_CONDITION_WAIT:
        /* primitives: nowait acquires, explicit acquire/release, limiter tokens, exception groups */
    case CS_OP_ACQUIRE:
    case CS_OP_CONDITION_ACQUIRE:
        /* native asyncio (asyncio backend only) */
    case CS_OP_ASYNCIO_AWAIT:
    case CS_OP_WAIT_FOR:
    case CS_OP_ASYNCIO_SHIELD:
    case CS_OP_AWAIT_FUTURE: return true;
    default: return false;
    }
}

const char *cs_op_checkpoint_name(cs_op op)
{
    switch (op) {
    case CS_OP_SLEEP: return "sleep";
    case CS_OP_SLEEP_UNTIL: return "sleep_until";
    case CS_OP_SLEEP_FOREVER: return "sleep_forever";
    case CS_OP_CHECKPOINT: return "checkpoint";
    case CS_OP_CHECKPOINT_IF_CANCELLED: return "checkpoint_if_cancelled";
    case CS_OP_CANCEL_SHIELDED_CHECKPOINT: return "cancel_shielded_checkpoint";
    case CS_OP_START: return "start";
    case CS_OP_AWAIT_TASK: return "await_task";
    case CS_OP_TO_THREAD: return "to_thread";
    case CS_OP_WAIT: return "wait";
    case CS_OP_WITH_LOCK: return "with_lock";
    case CS_OP_WITH_SEMAPHORE: return "with_semaphore";
    case CS_OP_WITH_LIMITER: return "with_limiter";
    case CS_OP_SEND: return "send";
    case CS_OP_RECEIVE: return "receive";
    case CS_OP_ASYNC_FOR: return "async_for";
    case CS_OP_WITH_CONDITION: return "with_condition";
    case CS_OP_CONDITION_WAIT: return "condition_wait";
    /* primitives: nowait acquires, explicit acquire/release, limiter tokens, exception groups */
    case CS_OP_ACQUIRE:
    case CS_OP_CONDITION_ACQUIRE: return "acquire";
    /* native asyncio (asyncio backend only) */
    case CS_OP_ASYNCIO_AWAIT: return "asyncio_await";
    case CS_OP_WAIT_FOR: return "wait_for";
    case CS_OP_ASYNCIO_SHIELD: return "asyncio_shield";
    case CS_OP_AWAIT_FUTURE: return "await_future";
    default: return "?";
    }
}

static const char *const cs__kind_names[] = {"fail", "timeout", "delay", "thread-fail", "interrupt"};
#define CS__NKINDS ((int)(sizeof cs__kind_names / sizeof *cs__kind_names))

static int cs__err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* The declared name an instance name comes from: `w[3]#2` -> `w`.  Suffixes
 * are stripped from the end only, so a declared name is never cut short. */
size_t cs_instance_base_len(const char *s, size_t n)
{
    for (int guard = 0; guard < 4 && n > 0; guard++) {
        size_t end = s[n - 1] == ']' ? n - 1 : n; /* `[i]` or `#n` */
        size_t i = end;
        while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
            i--;
        if (i == end || i == 0)
            break;
        if (end < n && s[i - 1] == '[')
            n = i - 1;
        else if (end == n && s[i - 1] == '#')
            n = i - 1;
        else
            break;
    }
    return n;
}

static bool cs__declared(const cs_name_decl *v, uint32_t nv, const char *s, size_t n)
{
    for (uint32_t i = 0; i < nv; i++)
        if (strlen(v[i].name) == n && memcmp(v[i].name, s, n) == 0)
            return true;
    return false;
}

/* issue 26: a thread AnyIO did not start (its portal calls' and from_thread
 * bodies' checkpoints are counted in its name, as a task's) */
static bool cs__plain_thread_named(const cs_program *prog, const char *s, size_t n)
{
    for (uint32_t i = 0; i < prog->nplain_threads; i++)
        if (strlen(prog->plain_threads[i].name) == n && memcmp(prog->plain_threads[i].name, s, n) == 0)
            return true;
    return false;
}

static int32_t cs__class_of(const cs_program *prog, const char *s, size_t n)
{
    for (uint32_t i = 0; i < prog->nclasses; i++)
        if (strlen(prog->classes[i].name) == n && memcmp(prog->classes[i].name, s, n) == 0)
            return (int32_t)i;
    return -1;
}

/* blocking portals: a portal call's task, as AnyIO names it (its checkpoints are its own) */
static bool cs__portal_task_name(const cs_program *prog, const char *s, size_t n)
{
    static const char name[] = "anyio.from_thread.BlockingPortal._call_func";
    return prog->nportals && n == sizeof name - 1 && memcmp(s, name, n) == 0;
}

#define CS__KINDS "fail, timeout, delay, thread-fail, interrupt"

/* interrupt:@T (issue 26): Ctrl+C at virtual time T, seconds; `num` is what
 * follows the '@'.  The target is "" (no task). */
static int cs__parse_interrupt_at(const char *num, const char **p, cs_fault *f, char *err, size_t errlen)
{
    const char *comma = strchr(num, ',');
    size_t nl = comma ? (size_t)(comma - num) : strlen(num);
    char buf[48];
    char *ne = buf;
    double v = -1;
    if (nl > 0 && nl < sizeof buf) {
        memcpy(buf, num, nl);
        buf[nl] = '\0';
        errno = 0;
        v = strtod(buf, &ne);
        if (errno)
            v = -1;
    }
    if (nl == 0 || nl >= sizeof buf || *ne || !isfinite(v) || v < 0 || v > 1e15)
        return cs__err(err, errlen, "'interrupt:@%.*s': T must be a finite number of seconds >= 0",
                       (int)(nl > 40 ? 40 : nl), num);
    f->seconds = v;
    f->k = 0;
    f->target = cs_xstrdup("");
    *p = num + nl;
    return 0;
}

/* Parses one fault from *p (up to a ',' or the end); advances *p. */
static int cs__parse_fault(const cs_program *prog, const char **p, cs_fault *f, char *err, size_t errlen)
{
    const char *s = *p;
    const char *colon = strchr(s, ':');
    if (!colon)
        return cs__err(err, errlen, "'%s': a fault is KIND:TARGET@K (kinds: " CS__KINDS ")", s);
    size_t kl = (size_t)(colon - s);
    int kind = -1;
    for (int i = 0; i < CS__NKINDS; i++)
        if (strlen(cs__kind_names[i]) == kl && memcmp(cs__kind_names[i], s, kl) == 0)
            kind = i;
    if (kind < 0)
        return cs__err(err, errlen, "unknown fault kind '%.*s' (kinds: " CS__KINDS ")", (int)(kl > 40 ? 40 : kl), s);
    f->kind = (cs_fault_kind)kind;
    f->cls = CS_EXC_RUNTIME_ERROR;
    f->seconds = 0;
    if (kind == CS_FAULT_INTERRUPT && colon[1] == '@')
        return cs__parse_interrupt_at(colon + 2, p, f, err, errlen);
    /* the target runs to the first '@' followed by digits and then ':', ',' or the end */
    const char *t = colon + 1, *at = NULL;
    for (const char *q = t; *q; q++) {
        if (*q != '@' || !(q[1] >= '0' && q[1] <= '9'))
            continue;
        const char *d = q + 1;
        while (*d >= '0' && *d <= '9')
            d++;
        if (*d == '\0' || *d == ',' || *d == ':') {
            at = q;
            break;
        }
    }
    if (!at || at == t)
        return cs__err(err, errlen, "'%s': expected %s:%s@K with K a checkpoint number from 1", s, cs__kind_names[kind],
                       kind == CS_FAULT_TIMEOUT ? "SCOPE" : "TASK");
    size_t tl = (size_t)(at - t);
    errno = 0;
    char *end;
    unsigned long long k = strtoull(at + 1, &end, 10);
    if (errno || k == 0 || k > UINT32_MAX)
        return cs__err(err, errlen, "'%s': K must be a whole number from 1 to %u", s, UINT32_MAX);
    size_t bl = cs_instance_base_len(t, tl);
    if (kind == CS_FAULT_TIMEOUT) {
        if (!cs__declared(prog->scopes, prog->nscopes, t, bl))
            return cs__err(err, errlen, "no cancel scope or task group named '%.*s' in this scenario", (int)tl, t);
    } else if (!(bl == 4 && memcmp(t, "main", 4) == 0) && !cs__declared(prog->tasks, prog->ntasks, t, bl) &&
               !cs__portal_task_name(prog, t, bl) && !cs__plain_thread_named(prog, t, tl)) {
        return cs__err(err, errlen, "no task named '%.*s' in this scenario", (int)tl, t);
    }
    const char *opt = NULL;
    size_t ol = 0;
    if (*end == ':') {
        opt = end + 1;
        const char *comma = strchr(opt, ',');
        ol = comma ? (size_t)(comma - opt) : strlen(opt);
        end = (char *)opt + ol;
    }
    if (kind == CS_FAULT_TIMEOUT && opt)
        return cs__err(err, errlen, "'%s': timeout takes no option (timeout:SCOPE@K)", s);
    if (kind == CS_FAULT_INTERRUPT && opt)
        return cs__err(err, errlen, "'%s': interrupt takes no option (interrupt:TASK@K or interrupt:@T)", s);
    if (kind == CS_FAULT_DELAY) {
        if (!opt || ol == 0 || ol > 40)
            return cs__err(err, errlen, "'%s': delay needs its seconds (delay:TASK@K:SECONDS)", s);
        char num[48];
        memcpy(num, opt, ol);
        num[ol] = '\0';
        char *ne;
        errno = 0;
        double v = strtod(num, &ne);
        if (*ne || errno || !isfinite(v) || v < 0)
            return cs__err(err, errlen, "'%s': the delay must be a finite number of seconds >= 0", s);
        f->seconds = v;
    } else if (opt) {
        int32_t cls = ol ? cs__class_of(prog, opt, ol) : -1;
        if (cls < 0)
            return cs__err(err, errlen, "unknown exception class '%.*s'", (int)(ol > 60 ? 60 : ol), opt);
        if (cls == CS_EXC_CANCELLED || cls == CS_EXC_BASE_EXCEPTION_GROUP || cls == CS_EXC_EXCEPTION_GROUP)
            return cs__err(err, errlen, "%s cannot be raised by a scenario", prog->classes[cls].name);
        f->cls = cls;
    }
    f->k = (uint32_t)k;
    f->target = cs_xstrndup(t, tl);
    *p = end;
    return 0;
}

int cs_plan_parse(const cs_program *prog, const char *text, cs_plan *out, char *err, size_t errlen)
{
    out->v = NULL;
    out->n = 0;
    if (!*text)
        return cs__err(err, errlen, "empty plan: give at least one fault, e.g. fail:main@1");
    cs_fault v[CS_PLAN_MAX_FAULTS];
    uint32_t n = 0;
    const char *p = text;
    for (;;) {
        if (n == CS_PLAN_MAX_FAULTS) {
            for (uint32_t i = 0; i < n; i++)
                free(v[i].target);
            return cs__err(err, errlen, "a plan holds at most %d faults", CS_PLAN_MAX_FAULTS);
        }
        if (cs__parse_fault(prog, &p, &v[n], err, errlen) < 0) {
            for (uint32_t i = 0; i < n; i++)
                free(v[i].target);
            return -1;
        }
        n++;
        if (*p == '\0')
            break;
        p++; /* ',' */
    }
    out->v = cs_xcalloc(n, sizeof *out->v);
    memcpy(out->v, v, n * sizeof *v);
    out->n = n;
    return 0;
}

/* The shortest %g text that reads back as the same double. */
static void cs__shortest(char *buf, size_t len, double v)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

char *cs_fault_format(const cs_program *prog, const cs_fault *f)
{
    const char *kind = cs__kind_names[f->kind];
    if (f->kind == CS_FAULT_INTERRUPT && !f->target[0]) {
        char num[40];
        cs__shortest(num, sizeof num, f->seconds);
        return cs_xasprintf("%s:@%s", kind, num);
    }
    if (f->kind == CS_FAULT_DELAY) {
        char num[40];
        cs__shortest(num, sizeof num, f->seconds);
        return cs_xasprintf("%s:%s@%u:%s", kind, f->target, f->k, num);
    }
    if ((f->kind == CS_FAULT_FAIL || f->kind == CS_FAULT_THREAD_FAIL) && f->cls != CS_EXC_RUNTIME_ERROR)
        return cs_xasprintf("%s:%s@%u:%s", kind, f->target, f->k, prog->classes[f->cls].name);
    return cs_xasprintf("%s:%s@%u", kind, f->target, f->k);
}

char *cs_plan_format(const cs_program *prog, const cs_plan *p)
{
    char *s = cs_xstrdup("");
    for (uint32_t i = 0; i < p->n; i++) {
        char *one = cs_fault_format(prog, &p->v[i]);
        char *t = cs_xasprintf("%s%s%s", s, i ? "," : "", one);
        free(one);
        free(s);
        s = t;
    }
    return s;
}

cs_fault cs_fault_copy(const cs_fault *f)
{
    cs_fault c = *f;
    c.target = cs_xstrdup(f->target);
    return c;
}

void cs_plan_copy(cs_plan *dst, const cs_plan *src)
{
    dst->n = src->n;
    dst->v = src->n ? cs_xcalloc(src->n, sizeof *dst->v) : NULL;
    for (uint32_t i = 0; i < src->n; i++)
        dst->v[i] = cs_fault_copy(&src->v[i]);
}

void cs_plan_free(cs_plan *p)
{
    for (uint32_t i = 0; i < p->n; i++)
        free(p->v[i].target);
    free(p->v);
    p->v = NULL;
    p->n = 0;
}
