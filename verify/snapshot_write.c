/* snapshot_write.c - the expectation blocks of `verify --update` and the
 * rewritten file (see snapshot.h). */
#include "snapshot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pyfloat.h"
#include "util.h"

/* The keys every one of the n outcomes has with an equal value. */
static json_t *cs__common(json_t *const *outs, size_t n)
{
    json_t *common = json_object();
    const char *key;
    json_t *v;
    json_object_foreach (outs[0], key, v) {
        bool all = true;
        for (size_t i = 1; i < n && all; i++)
            all = json_equal(v, json_object_get(outs[i], key));
        if (all)
            json_object_set(common, key, v);
    }
    return common;
}

/* A copy of `o` without the keys of `common`. */
static json_t *cs__minus(const json_t *o, const json_t *common)
{
    json_t *r = json_object();
    const char *key;
    json_t *v;
    json_object_foreach ((json_t *)o, key, v) {
        if (!json_object_get(common, key))
            json_object_set(r, key, v);
    }
    return r;
}

/* Sets doc[key] = v (v taken), or removes key when v is NULL or empty. */
static void cs__put(json_t *doc, const char *key, json_t *v)
{
    if (!v || (json_is_object(v) && json_object_size(v) == 0) || (json_is_array(v) && json_array_size(v) == 0)) {
        json_object_del(doc, key);
        json_decref(v);
        return;
    }
    json_object_set_new(doc, key, v); /* an existing key keeps its place */
}

void cs_snapshot_set(json_t *doc, json_t *const *outs, const char *const *labels, size_t n, bool alternatives)
{
    json_t *common = cs__common(outs, n);
    json_t *by = NULL, *any = NULL;
    if (alternatives) {
        any = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(any, cs__minus(outs[i], common));
    } else if (n > 1) {
        by = json_object();
        for (size_t i = 0; i < n; i++)
            json_object_set_new(by, labels[i], cs__minus(outs[i], common));
    }
    /* `expect` is written even when empty only if nothing else holds the
     * expectations (a scenario whose backends agree on nothing is unlikely) */
    json_object_set_new(doc, "expect", common);
    cs__put(doc, "expect_by_backend", by);
    cs__put(doc, "expect_any", any);
}

/* Copies Jansson's text into f with each float (a number token holding '.',
 * 'e' or 'E', outside strings) rewritten as Python's repr: Jansson prints 17
 * significant digits ("0.10000000000000001"), which read back to the same
 * double as "0.1".  Every line after the first starts with `indent`. */
static void cs__write_floats(FILE *f, const char *s, const char *indent)
{
    bool in_str = false;
    while (*s) {
        if (in_str) {
            if (*s == '\\' && s[1]) {
                fputc(*s++, f);
            } else if (*s == '"') {
                in_str = false;
            }
            fputc(*s++, f);
            continue;
        }
        if (*s == '"') {
            in_str = true;
            fputc(*s++, f);
            continue;
        }
        if (*s == '\n') {
            fputc(*s++, f);
            fputs(indent, f);
            continue;
        }
        if (*s == '-' || (*s >= '0' && *s <= '9')) {
            size_t len = strspn(s, "-+0123456789.eE");
            if (memchr(s, '.', len) || memchr(s, 'e', len) || memchr(s, 'E', len)) {
                char buf[CS_PYFLOAT_BUFSIZE];
                cs_format_pyfloat(strtod(s, NULL), buf, sizeof buf);
                fputs(buf, f);
            } else {
                fwrite(s, 1, len, f);
            }
            s += len;
            continue;
        }
        fputc(*s++, f);
    }
}

char *cs_snapshot_dump(const json_t *v, const char *indent)
{
    char *text = json_dumps(v, JSON_INDENT(2) | JSON_REAL_PRECISION(17) | JSON_ENCODE_ANY);
    char *out = NULL;
    size_t len = 0;
    FILE *f = text ? open_memstream(&out, &len) : NULL;
    if (!f) {
        free(text);
        return cs_xstrdup("null");
    }
    cs__write_floats(f, text, indent);
    fclose(f);
    free(text);
    return out;
}

int cs_snapshot_write(const char *path, const char *text)
{
    char *tmp = cs_xasprintf("%s.update-tmp", path);
    FILE *f = fopen(tmp, "w");
    int rc = -1;
    if (f) {
        fputs(text, f);
        rc = fclose(f) == 0 ? 0 : -1;
        if (rc == 0)
            rc = rename(tmp, path);
        if (rc != 0)
            unlink(tmp);
    }
    free(tmp);
    return rc;
}
