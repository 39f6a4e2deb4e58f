/* json_out.c - streaming JSON in Python's json.dumps layout (see json_out.h).
 *
 * Invariant: `first` describes the innermost open container.  A closed
 * container is an item of its parent, so after any close the parent is no
 * longer empty and `first` becomes false; that is why one flag suffices and
 * no stack of flags is kept.
 */
#include "json_out.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "pyfloat.h"

void cs_jw_init(cs_jw *w, FILE *f, int indent, int depth)
{
    assert(f && depth >= 0 && (indent >= 0 || indent == CS_JW_ONE_LINE));
    w->f = f;
    w->indent = indent;
    w->depth = depth;
    w->first = true;
    w->after_key = false;
    w->top = true;
}

static void cs__jw_newline(cs_jw *w)
{
    /* one write for the newline and the indentation (a million-task outcome
     * has a few million of them) */
    static const char nl[] = "\n                                                                ";
    int n = w->indent * w->depth;
    int k = n < (int)sizeof nl - 2 ? n : (int)sizeof nl - 2;
    fwrite(nl, 1, (size_t)k + 1, w->f);
    for (n -= k; n > 0; n -= k) {
        k = n < (int)sizeof nl - 2 ? n : (int)sizeof nl - 2;
        fwrite(nl + 1, 1, (size_t)k, w->f);
    }
}

/* What comes before a value or key: nothing after a key or at the start,
 * else the item separator of the layout. */
static void cs__jw_prefix(cs_jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->top) {
        w->top = false;
        return;
    }
    if (w->indent != CS_JW_ONE_LINE) {
        if (!w->first)
            fputc(',', w->f);
        cs__jw_newline(w);
    } else if (!w->first) {
        fwrite(", ", 1, 2, w->f);
    }
    w->first = false;
}

static void cs__jw_open(cs_jw *w, char c)
{
    cs__jw_prefix(w);
    fputc(c, w->f);
    w->depth++;
    w->first = true;
}

static void cs__jw_close(cs_jw *w, char c)
{
    assert(w->depth > 0 && !w->after_key);
    w->depth--;
    if (!w->first && w->indent != CS_JW_ONE_LINE)
        cs__jw_newline(w);
    fputc(c, w->f);
    w->first = false;
}

void cs_jw_begin_object(cs_jw *w) { cs__jw_open(w, '{'); }
void cs_jw_end_object(cs_jw *w) { cs__jw_close(w, '}'); }
void cs_jw_begin_array(cs_jw *w) { cs__jw_open(w, '['); }
void cs_jw_end_array(cs_jw *w) { cs__jw_close(w, ']'); }

/* The escape Python's encoder uses for byte c, or NULL when c passes raw. */
static const char *cs__escape(unsigned char c, char tmp[8])
{
    switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    case '\b': return "\\b";
    case '\f': return "\\f";
    default: break;
    }
    if (c >= 0x20)
        return NULL;
    snprintf(tmp, 8, "\\u%04x", c); /* lowercase hex, as CPython writes it */
    return tmp;
}

void cs_json_write_string(FILE *f, const char *s, size_t len)
{
    char tmp[8];
    if (len <= 200) { /* the usual short string: escaped into one buffer, one write */
        char buf[2 + 6 * 200];
        size_t k = 0;
        buf[k++] = '"';
        for (size_t i = 0; i < len; i++) {
            const char *esc = cs__escape((unsigned char)s[i], tmp);
            if (!esc) {
                buf[k++] = s[i];
                continue;
            }
            size_t el = strlen(esc);
            memcpy(buf + k, esc, el);
            k += el;
        }
        buf[k++] = '"';
        fwrite(buf, 1, k, f);
        return;
    }
    size_t run = 0; /* start of the bytes not yet written */
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        const char *esc = cs__escape((unsigned char)s[i], tmp);
        if (!esc)
            continue;
        fwrite(s + run, 1, i - run, f);
        fputs(esc, f);
        run = i + 1;
    }
    fwrite(s + run, 1, len - run, f);
    fputc('"', f);
}

void cs_jw_key(cs_jw *w, const char *key)
{
    assert(w->depth > 0 && !w->after_key);
    cs__jw_prefix(w);
    size_t len = strlen(key);
    char buf[64];
    bool plain = len + 4 <= sizeof buf;
    for (size_t i = 0; plain && i < len; i++)
        plain = (unsigned char)key[i] >= 0x20 && key[i] != '"' && key[i] != '\\';
    if (plain) { /* the usual key: one write for `"key": ` */
        buf[0] = '"';
        memcpy(buf + 1, key, len);
        memcpy(buf + 1 + len, "\": ", 3);
        fwrite(buf, 1, len + 4, w->f);
    } else {
        cs_json_write_string(w->f, key, len);
        fputs(": ", w->f);
    }
    w->after_key = true;
}

void cs_jw_string_n(cs_jw *w, const char *s, size_t len)
{
    cs__jw_prefix(w);
    cs_json_write_string(w->f, s, len);
}

void cs_jw_string(cs_jw *w, const char *s) { cs_jw_string_n(w, s, strlen(s)); }

void cs_jw_int(cs_jw *w, long long v)
{
    cs__jw_prefix(w);
    char buf[24];
    int k = (int)sizeof buf;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        buf[--k] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    if (v < 0)
        buf[--k] = '-';
    fwrite(buf + k, 1, sizeof buf - (size_t)k, w->f);
}

void cs_jw_bool(cs_jw *w, bool v)
{
    cs__jw_prefix(w);
    fputs(v ? "true" : "false", w->f);
}

void cs_jw_null(cs_jw *w)
{
    cs__jw_prefix(w);
    fputs("null", w->f);
}

void cs_jw_number(cs_jw *w, double x)
{
    char buf[CS_PYFLOAT_BUFSIZE];
    if (isinf(x)) {
        cs_jw_string(w, x > 0 ? "inf" : "-inf");
        return;
    }
    size_t n = cs_format_number(x, buf, sizeof buf);
    cs__jw_prefix(w);
    fwrite(buf, 1, n, w->f);
}

void cs_jw_float(cs_jw *w, double x)
{
    char buf[CS_PYFLOAT_BUFSIZE];
    if (isinf(x)) {
        cs_jw_string(w, x > 0 ? "inf" : "-inf");
        return;
    }
    size_t n = isnan(x) ? cs_format_number(x, buf, sizeof buf) : cs_format_pyfloat(x, buf, sizeof buf);
    cs__jw_prefix(w);
    fwrite(buf, 1, n, w->f);
}

void cs_jw_seconds(cs_jw *w, int64_t ns) { cs_jw_number(w, (double)ns / 1e9); }

static void cs__jw_object(cs_jw *w, const json_t *v)
{
    cs_jw_begin_object(w);
    /* Jansson iterates objects in insertion order, which is the order the
     * value was written in the scenario, as Python's dict keeps it. */
    for (void *it = json_object_iter((json_t *)v); it; it = json_object_iter_next((json_t *)v, it)) {
        cs__jw_prefix(w);
        cs_json_write_string(w->f, json_object_iter_key(it), json_object_iter_key_len(it));
        fputs(": ", w->f);
        w->after_key = true;
        cs_jw_value(w, json_object_iter_value(it));
    }
    cs_jw_end_object(w);
}

void cs_jw_value(cs_jw *w, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        cs__jw_object(w, v);
        break;
    case JSON_ARRAY:
        cs_jw_begin_array(w);
        for (size_t i = 0; i < json_array_size(v); i++)
            cs_jw_value(w, json_array_get(v, i));
        cs_jw_end_array(w);
        break;
    case JSON_STRING:
        cs_jw_string_n(w, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        cs_jw_int(w, (long long)json_integer_value(v));
        break;
    case JSON_REAL:
        cs_jw_number(w, json_real_value(v));
        break;
    case JSON_TRUE:
        cs_jw_bool(w, true);
        break;
    case JSON_FALSE:
        cs_jw_bool(w, false);
        break;
    case JSON_NULL:
        cs_jw_null(w);
        break;
    }
}

int cs_jw_json_text(cs_jw *w, const char *text)
{
    json_error_t err;
    json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    if (!v) {
        cs__jw_prefix(w);
        fputs(text, w->f);
        return -1;
    }
    cs_jw_value(w, v);
    json_decref(v);
    return 0;
}

json_t *cs_json_number(double x)
{
    if (isnan(x))
        return json_null(); /* Jansson has no NaN; never produced by a run */
    if (isinf(x))
        return json_string(x > 0 ? "inf" : "-inf");
    if (x == floor(x) && fabs(x) < 9007199254740992.0)
        return json_integer((json_int_t)x);
    return json_real(x);
}

static json_t *cs__json_normalize_container(json_t *v)
{
    json_t *out;
    if (json_is_array(v)) {
        out = json_array();
        for (size_t i = 0; i < json_array_size(v); i++)
            json_array_append_new(out, cs_json_normalize(json_array_get(v, i)));
        return out;
    }
    out = json_object();
    for (void *it = json_object_iter(v); it; it = json_object_iter_next(v, it))
        json_object_setn_new_nocheck(out, json_object_iter_key(it), json_object_iter_key_len(it),
                                     cs_json_normalize(json_object_iter_value(it)));
    return out;
}

json_t *cs_json_normalize(json_t *v)
{
    if (json_is_real(v))
        return cs_json_number(json_real_value(v));
    if (json_is_array(v) || json_is_object(v))
        return cs__json_normalize_container(v);
    return json_incref(v);
}
