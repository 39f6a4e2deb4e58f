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
#include "text.h"

/* For the rare paths (a full buffer, a writer without one, the indented
 * layout): kept out of line, so the hot paths that test for them need no
 * register saves. */
#if defined(__GNUC__)
#define CS__JW_SLOW __attribute__((noinline, cold))
#else
#define CS__JW_SLOW
#endif

void cs_jw_init(cs_jw *w, FILE *f, int indent, int depth)
{
    assert(f && depth >= 0 && (indent >= 0 || indent == CS_JW_ONE_LINE));
    w->f = f;
    w->indent = indent;
    w->buf = NULL;
    w->len = w->cap = 0;
    cs_jw_restart(w, depth);
}

void cs_jw_restart(cs_jw *w, int depth)
{
    assert(depth >= 0);
    w->depth = depth;
    w->first = true;
    w->after_key = false;
    w->top = true;
}

void cs_jw_set_buffer(cs_jw *w, char *buf, size_t cap)
{
    assert(w->len == 0 && (buf ? cap > 0 : cap == 0));
    w->buf = buf;
    w->cap = buf ? cap : 0;
}

void cs_jw_flush(cs_jw *w)
{
    if (w->len)
        fwrite(w->buf, 1, w->len, w->f);
    w->len = 0;
}

/* ---- output ------------------------------------------------------------- */

/* Room for n more bytes when the buffer is full: flushes it; NULL when the
 * writer has no buffer or n does not fit in an empty one. */
CS__JW_SLOW static char *cs__jw_room_slow(cs_jw *w, size_t n)
{
    if (!w->buf || n >= w->cap)
        return NULL;
    cs_jw_flush(w);
    return w->buf;
}

/* Room for n more bytes in the buffer, or NULL (see cs__jw_room_slow).  The
 * test is strict, so a writer without a buffer (cap 0) always goes slow. */
static inline char *cs__jw_room(cs_jw *w, size_t n)
{
    if (n < w->cap - w->len)
        return w->buf + w->len;
    return cs__jw_room_slow(w, n);
}

CS__JW_SLOW static void cs__jw_put_slow(cs_jw *w, const char *s, size_t n)
{
    char *p = cs__jw_room_slow(w, n);
    if (p) {
        memcpy(p, s, n);
        w->len += n;
        return;
    }
    cs_jw_flush(w); /* too big for the buffer, or none: keep the order */
    fwrite(s, 1, n, w->f);
}

/* memcpy for the short pieces JSON is made of (keys, names, numbers): a
 * call to memcpy costs more than the copy, so up to 32 bytes are moved as a
 * few fixed-size blocks, the last overlapping the one before. */
static inline void cs__copy(char *d, const char *s, size_t n)
{
    uint64_t a, b, c, e;
    uint32_t x, y;
    if (n >= 8 && n <= 16) {
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n > 16 && n <= 32) {
        memcpy(&a, s, 8);
        memcpy(&b, s + 8, 8);
        memcpy(&c, s + n - 16, 8);
        memcpy(&e, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + 8, &b, 8);
        memcpy(d + n - 16, &c, 8);
        memcpy(d + n - 8, &e, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        memcpy(d, &x, 4);
        memcpy(d + n - 4, &y, 4);
    } else {
        memcpy(d, s, n);
    }
}

/* Every byte of output goes through here or through cs__jw_room.  Inline:
 * most pieces have a constant size, and their copy becomes a store. */
static inline void cs__jw_put(cs_jw *w, const char *s, size_t n)
{
    if (n < w->cap - w->len) {
        cs__copy(w->buf + w->len, s, n);
        w->len += n;
        return;
    }
    cs__jw_put_slow(w, s, n);
}

void cs_jw_raw(cs_jw *w, const char *s, size_t len)
{
    cs__jw_put(w, s, len);
}

/* ",\n" and the indentation of up to 32 levels of 2: one piece for the comma,
 * the newline and the indentation (a million-task outcome has a few million
 * of them). */
static const char cs__nl[] = ",\n                                                                ";
#define CS__NL_SPACES (sizeof cs__nl - 3)

/* A newline and the indentation of the current depth, after a comma when
 * `comma`: deeper than cs__nl reaches, in several pieces. */
CS__JW_SLOW static void cs__jw_newline_deep(cs_jw *w, bool comma, size_t n)
{
    size_t k = n < CS__NL_SPACES ? n : CS__NL_SPACES;
    cs__jw_put(w, comma ? cs__nl : cs__nl + 1, k + 1 + comma);
    for (n -= k; n > 0; n -= k) {
        k = n < CS__NL_SPACES ? n : CS__NL_SPACES;
        cs__jw_put(w, cs__nl + 2, k);
    }
}

static inline void cs__jw_newline(cs_jw *w, bool comma)
{
    size_t n = (size_t)w->indent * (size_t)w->depth;
    if (n > CS__NL_SPACES) {
        cs__jw_newline_deep(w, comma, n);
        return;
    }
    cs__jw_put(w, comma ? cs__nl : cs__nl + 1, n + 1 + comma);
}

/* What comes before a value or key: nothing after a key or at the start,
 * else the item separator of the layout. */
static inline void cs__jw_prefix(cs_jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->top) {
        w->top = false;
        return;
    }
    if (w->indent != CS_JW_ONE_LINE)
        cs__jw_newline(w, !w->first);
    else if (!w->first)
        cs__jw_put(w, ", ", 2);
    w->first = false;
}

static void cs__jw_open(cs_jw *w, char c)
{
    cs__jw_prefix(w);
    cs__jw_put(w, &c, 1);
    w->depth++;
    w->first = true;
}

static void cs__jw_close(cs_jw *w, char c)
{
    assert(w->depth > 0 && !w->after_key);
    w->depth--;
    if (!w->first && w->indent != CS_JW_ONE_LINE)
        cs__jw_newline(w, false);
    cs__jw_put(w, &c, 1);
    w->first = false;
}

void cs_jw_begin_object(cs_jw *w)
{
    cs__jw_open(w, '{');
}
void cs_jw_end_object(cs_jw *w)
{
    cs__jw_close(w, '}');
}
void cs_jw_begin_array(cs_jw *w)
{
    cs__jw_open(w, '[');
}
void cs_jw_end_array(cs_jw *w)
{
    cs__jw_close(w, ']');
}

/* ---- strings ------------------------------------------------------------ */

/* Bytes Python's encoder escapes with ensure_ascii=False: '"', '\\' and the
 * controls below 0x20; and C0, which begins a NUL kept in text (text.h) and
 * begins nothing else (valid UTF-8 never holds it).  A table, because every
 * byte of every string and key is tested. */
static const bool cs__needs_escape[256] = {
    [0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1, [0x07] = 1,         [0x08] = 1,
    [0x09] = 1, [0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1, [0x0e] = 1, [0x0f] = 1, [0x10] = 1,         [0x11] = 1,
    [0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1,         [0x1a] = 1,
    [0x1b] = 1, [0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1, ['"'] = 1,  ['\\'] = 1, [CS_TEXT_NUL0] = 1,
};

/* The escape of a byte that needs one, into tmp; returns its length. */
static size_t cs__escape(unsigned char c, char tmp[8])
{
    static const char hex[] = "0123456789abcdef"; /* lowercase, as CPython writes it */
    char e = 0;
    switch (c) {
    case '"': e = '"'; break;
    case '\\': e = '\\'; break;
    case '\n': e = 'n'; break;
    case '\r': e = 'r'; break;
    case '\t': e = 't'; break;
    case '\b': e = 'b'; break;
    case '\f': e = 'f'; break;
    default: break;
    }
    tmp[0] = '\\';
    if (e) {
        tmp[1] = e;
        return 2;
    }
    memcpy(tmp + 1, "u00", 3);
    tmp[4] = hex[c >> 4];
    tmp[5] = hex[c & 15];
    return 6;
}

/* Nonzero when one of the 8 bytes in v may need an escape: some byte below
 * 0x20, equal to '"' or '\\' (the bit-twiddling "has a byte less than n"
 * and "has a zero byte" tests, exact as yes/no answers), or any byte from
 * 0x80, which covers C0 in one test; the byte loop then decides. */
static inline uint64_t cs__special8(uint64_t v)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');
    return ((v - ones * 0x20) | ((q - ones) & ~q) | ((b - ones) & ~b) | v) & highs;
}

/* The number of leading bytes of s that pass unescaped. */
static size_t cs__plain_prefix(const char *s, size_t len)
{
    size_t i = 0;
    for (; len - i >= 8; i += 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        if (cs__special8(v))
            break;
    }
    while (i < len && !cs__needs_escape[(unsigned char)s[i]])
        i++;
    return i;
}

/* The quoted string with its escapes, or too long for the buffer: piece by
 * piece, from the first byte that needs an escape (`plain` before it). */
CS__JW_SLOW static void cs__jw_quoted_slow(cs_jw *w, const char *s, size_t len, size_t plain)
{
    cs__jw_put(w, "\"", 1);
    size_t run = 0; /* start of the bytes not yet written */
    char tmp[8];
    for (size_t i = plain; i < len; i++) {
        if (!cs__needs_escape[(unsigned char)s[i]])
            continue;
        cs__jw_put(w, s + run, i - run);
        if ((unsigned char)s[i] == CS_TEXT_NUL0) { /* a kept NUL (C0 80), or a stray C0 */
            bool nul = i + 1 < len && (unsigned char)s[i + 1] == CS_TEXT_NUL1;
            cs__jw_put(w, nul ? "\\u0000" : s + i, nul ? 6 : 1);
            i += nul;
        } else {
            cs__jw_put(w, tmp, cs__escape((unsigned char)s[i], tmp));
        }
        run = i + 1;
    }
    cs__jw_put(w, s + run, len - run);
    cs__jw_put(w, "\"", 1);
}

/* The quoted, escaped string into the writer's output. */
static void cs__jw_quoted(cs_jw *w, const char *s, size_t len)
{
    size_t plain = cs__plain_prefix(s, len), room = w->cap - w->len;
    /* the usual string has nothing to escape: copied with its quotes at once
     * (strictly less than the room, as in cs__jw_put) */
    if (plain == len && room > 2 && len < room - 2) {
        char *p = w->buf + w->len;
        p[0] = '"';
        cs__copy(p + 1, s, len);
        p[len + 1] = '"';
        w->len += len + 2;
        return;
    }
    cs__jw_quoted_slow(w, s, len, plain);
}

void cs_json_write_string(FILE *f, const char *s, size_t len)
{
    cs_jw w;
    char buf[512]; /* one stdio call for a usual string */
    cs_jw_init(&w, f, CS_JW_ONE_LINE, 0);
    cs_jw_set_buffer(&w, buf, sizeof buf);
    cs__jw_quoted(&w, s, len);
    cs_jw_flush(&w);
}

/* A writer without a buffer borrows a small one for the duration of one
 * call, so the call still costs one stdio write (and nothing stays behind).
 * (Zeroed only because GCC cannot see that only written bytes are read.) */
#define CS__JW_TEMP_BUFFER(w, call)               \
    do {                                          \
        char tmp_[256] = {0};                     \
        cs_jw_set_buffer((w), tmp_, sizeof tmp_); \
        call;                                     \
        cs_jw_flush(w);                           \
        cs_jw_set_buffer((w), NULL, 0);           \
    } while (0)

/* `"key": ` after the prefix. */
static void cs__jw_key_n(cs_jw *w, const char *key, size_t len)
{
    assert(w->depth > 0 && !w->after_key);
    if (!w->buf) {
        CS__JW_TEMP_BUFFER(w, cs__jw_key_n(w, key, len));
        return;
    }
    cs__jw_prefix(w);
    cs__jw_quoted(w, key, len);
    cs__jw_put(w, ": ", 2);
    w->after_key = true;
}

void cs_jw_key(cs_jw *w, const char *key)
{
    cs__jw_key_n(w, key, strlen(key));
}

/* The general case of cs_jw_key_lit, out of line so that its fast path
 * needs no register saves. */
CS__JW_SLOW static void cs__jw_key_lit_slow(cs_jw *w, cs_jw_lit key)
{
    cs__jw_prefix(w);
    cs__jw_put(w, key.text, key.len);
    w->after_key = true;
}

void cs_jw_key_lit(cs_jw *w, cs_jw_lit key)
{
    assert(w->depth > 0 && !w->after_key);
    assert(key.len >= 4 && cs__plain_prefix(key.text + 1, key.len - 4) == key.len - 4);
    if (w->indent == CS_JW_ONE_LINE && !w->first && key.len + 2 < w->cap - w->len) {
        /* a JSON Lines field after the first: ", " and the key in one go */
        char *p = w->buf + w->len;
        p[0] = ',';
        p[1] = ' ';
        cs__copy(p + 2, key.text, key.len);
        w->len += key.len + 2;
        w->after_key = true;
        return;
    }
    cs__jw_key_lit_slow(w, key);
}

void cs_jw_verbatim(cs_jw *w, const char *json, size_t len)
{
    cs__jw_prefix(w);
    cs__jw_put(w, json, len);
}

void cs_jw_string_n(cs_jw *w, const char *s, size_t len)
{
    if (!w->buf) {
        CS__JW_TEMP_BUFFER(w, cs_jw_string_n(w, s, len));
        return;
    }
    cs__jw_prefix(w);
    cs__jw_quoted(w, s, len);
}

void cs_jw_string(cs_jw *w, const char *s)
{
    cs_jw_string_n(w, s, strlen(s));
}

/* ---- scalars ------------------------------------------------------------ */

void cs_jw_int(cs_jw *w, long long v)
{
    cs__jw_prefix(w);
    char *p = cs__jw_room(w, 24);
    if (p) { /* digits straight into the buffer */
        w->len += cs_format_int(v, p);
        return;
    }
    char buf[24];
    cs__jw_put(w, buf, cs_format_int(v, buf));
}

void cs_jw_bool(cs_jw *w, bool v)
{
    cs__jw_prefix(w);
    if (v)
        cs__jw_put(w, "true", 4);
    else
        cs__jw_put(w, "false", 5);
}

void cs_jw_null(cs_jw *w)
{
    cs__jw_prefix(w);
    cs__jw_put(w, "null", 4);
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
    cs__jw_put(w, buf, n);
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
    cs__jw_put(w, buf, n);
}

/* Seconds text from format (cs_format_seconds or _pyseconds) into the output. */
static void cs__jw_ns(cs_jw *w, int64_t ns, size_t (*format)(int64_t, char *, size_t))
{
    cs__jw_prefix(w);
    char *p = cs__jw_room(w, CS_PYFLOAT_BUFSIZE);
    if (p) { /* a trace has one on every line: formatted in place */
        w->len += format(ns, p, CS_PYFLOAT_BUFSIZE);
        return;
    }
    char buf[CS_PYFLOAT_BUFSIZE];
    cs__jw_put(w, buf, format(ns, buf, sizeof buf));
}

void cs_jw_seconds(cs_jw *w, int64_t ns)
{
    cs__jw_ns(w, ns, cs_format_seconds);
}

void cs_jw_float_seconds(cs_jw *w, int64_t ns)
{
    cs__jw_ns(w, ns, cs_format_pyseconds);
}

static void cs__jw_object(cs_jw *w, const json_t *v)
{
    cs_jw_begin_object(w);
    /* Jansson iterates objects in insertion order, which is the order the
     * value was written in the scenario, as Python's dict keeps it. */
    for (void *it = json_object_iter((json_t *)v); it; it = json_object_iter_next((json_t *)v, it)) {
        cs__jw_key_n(w, json_object_iter_key(it), json_object_iter_key_len(it));
        cs_jw_value(w, json_object_iter_value(it));
    }
    cs_jw_end_object(w);
}

void cs_jw_value(cs_jw *w, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: cs__jw_object(w, v); break;
    case JSON_ARRAY:
        cs_jw_begin_array(w);
        for (size_t i = 0; i < json_array_size(v); i++)
            cs_jw_value(w, json_array_get(v, i));
        cs_jw_end_array(w);
        break;
    case JSON_STRING: cs_jw_string_n(w, json_string_value(v), json_string_length(v)); break;
    case JSON_INTEGER: cs_jw_int(w, (long long)json_integer_value(v)); break;
    case JSON_REAL: cs_jw_number(w, json_real_value(v)); break;
    case JSON_TRUE: cs_jw_bool(w, true); break;
    case JSON_FALSE: cs_jw_bool(w, false); break;
    case JSON_NULL: cs_jw_null(w); break;
    }
}

int cs_jw_json_text(cs_jw *w, const char *text)
{
    json_error_t err;
    json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    if (!v) {
        cs__jw_prefix(w);
        cs__jw_put(w, text, strlen(text));
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
