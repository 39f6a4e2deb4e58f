/* args.c - small option parsers shared by the subcommands. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "load.h"

bool cs_cli_parse_backend(const char *s, cs_backend_sel *out)
{
    if (strcmp(s, "both") == 0)
        *out = CS_SEL_BOTH;
    else if (strcmp(s, "asyncio") == 0)
        *out = CS_SEL_ASYNCIO;
    else if (strcmp(s, "trio") == 0)
        *out = CS_SEL_TRIO;
    else
        return false;
    return true;
}

bool cs_cli_parse_u64(const char *s, uint64_t *out)
{
    if (!*s || *s == '-' || *s == '+')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

bool cs_cli_parse_seconds(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !*s || !isfinite(v) || v <= 0)
        return false;
    *out = v;
    return true;
}

int cs_cli_parse_limit(const char *cmd, const char *o, const char *v, cs_run_options *opt)
{
    static const struct {
        const char *flag;
        size_t off;
        uint64_t min;
    } limits[] = {
        {"--timer-limit", offsetof(cs_run_options, timer_limit), 0},
        {"--trace-limit", offsetof(cs_run_options, trace_limit), 1},
        {"--memory-limit", offsetof(cs_run_options, memory_limit_mib), 0},
        {"--depth-limit", offsetof(cs_run_options, depth_limit), 1},
    };
    for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
        if (strcmp(o, limits[i].flag) != 0)
            continue;
        uint64_t n;
        if (!v || !cs_cli_parse_u64(v, &n) || n < limits[i].min)
            return cs_cli_usage_error(cmd, "%s must be a %s integer, not '%s'", o,
                                      limits[i].min ? "positive" : "non-negative", v ? v : "");
        memcpy((char *)opt + limits[i].off, &n, sizeof n);
        return 1;
    }
    return 0;
}

bool cs_cli_parse_shard(const char *v, uint64_t *k, uint64_t *n)
{
    const char *slash = v ? strchr(v, '/') : NULL;
    if (!slash || slash == v || slash - v > 20)
        return false;
    char head[24];
    memcpy(head, v, (size_t)(slash - v));
    head[slash - v] = '\0';
    return cs_cli_parse_u64(head, k) && cs_cli_parse_u64(slash + 1, n) && *n >= 1 && *k >= 1 && *k <= *n;
}

int cs_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "cancelsim %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'cancelsim help %s')\n", cmd);
    return 2;
}

bool cs_cli_parse_schedule(const char *s, uint32_t **out, size_t *n)
{
    size_t cap = 16, k = 0;
    uint32_t *v = malloc(cap * sizeof *v);
    if (!v)
        return false;
    const char *p = s;
    while (*p) {
        char *end;
        errno = 0;
        unsigned long x = strtoul(p, &end, 10);
        if (end == p || errno || x > UINT32_MAX || (*end && *end != ',')) {
            free(v);
            return false;
        }
        if (k == cap) {
            cap *= 2;
            uint32_t *nv = realloc(v, cap * sizeof *v);
            if (!nv) {
                free(v);
                return false;
            }
            v = nv;
        }
        v[k++] = (uint32_t)x;
        p = *end ? end + 1 : end;
    }
    *out = v;
    *n = k;
    return true;
}

const char *cs_cli_file_name(const char *file)
{
    return strcmp(file, "-") == 0 ? CS_LOAD_STDIN : file;
}

/* Parses "asyncio|trio" (one run is drawn, so not "both"). */
bool cs_cli_parse_one_backend(const char *s, cs_backend *out)
{
    cs_backend_sel sel;
    if (!cs_cli_parse_backend(s, &sel) || sel == CS_SEL_BOTH)
        return false;
    *out = sel == CS_SEL_TRIO ? CS_BACKEND_TRIO : CS_BACKEND_ASYNCIO;
    return true;
}
