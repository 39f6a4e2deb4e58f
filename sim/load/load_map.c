/* load_map.c - small helpers of the loader: a string -> int32 hash map for
 * name tables (so a file with a hundred thousand names loads in linear time),
 * Python-style repr() of names, so messages read like the oracle's, and
 * strings that may hold a NUL (text.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "text.h"
#include "util.h"

static uint64_t cs__hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

/* Slot of key in m (m->cap is a power of two and never full). */
static size_t cs__strmap_slot(const cs__strmap *m, const char *key)
{
    size_t mask = m->cap - 1, i = (size_t)cs__hash(key) & mask;
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & mask;
    return i;
}

static void cs__strmap_grow(cs__strmap *m)
{
    cs__strmap old = *m;
    m->cap = old.cap ? old.cap * 2 : 16;
    m->keys = cs_xcalloc(m->cap, sizeof *m->keys);
    m->vals = cs_xcalloc(m->cap, sizeof *m->vals);
    for (size_t i = 0; i < old.cap; i++) {
        if (old.keys[i]) {
            size_t j = cs__strmap_slot(m, old.keys[i]);
            m->keys[j] = old.keys[i];
            m->vals[j] = old.vals[i];
        }
    }
    free(old.keys);
    free(old.vals);
}

void cs__strmap_put(cs__strmap *m, const char *key, int32_t val)
{
    if ((m->n + 1) * 2 > m->cap) /* load factor <= 1/2 */
        cs__strmap_grow(m);
    size_t i = cs__strmap_slot(m, key);
    if (!m->keys[i]) {
        m->keys[i] = key;
        m->n++;
    }
    m->vals[i] = val;
}

int32_t cs__strmap_get(const cs__strmap *m, const char *key)
{
    if (!m->cap)
        return -1;
    size_t i = cs__strmap_slot(m, key);
    return m->keys[i] ? m->vals[i] : -1;
}

void cs__strmap_free(cs__strmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

char *cs__repr(char *out, size_t n, const char *s)
{
    char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
    size_t o = 0;
    if (n < 8) {
        if (n)
            out[0] = '\0';
        return out;
    }
    out[o++] = q;
    for (; *s && o + 6 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\\' || c == (unsigned char)q) {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            out[o++] = '\\';
            out[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        } else if (c < 0x20 || c == 0x7f) {
            o += (size_t)snprintf(out + o, n - o, "\\x%02x", c);
        } else
            out[o++] = (char)c;
    }
    out[o++] = q;
    out[o] = '\0';
    return out;
}

bool cs__json_has_nul(const json_t *v)
{
    return json_is_string(v) && strlen(json_string_value(v)) != json_string_length(v);
}

char *cs__program_text(cs_program *prog, const json_t *v)
{
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    char *out = cs__program_alloc(prog, cs_text_encoded_len(s, len) + 1);
    cs_text_encode(s, len, out);
    return out;
}

char *cs__repr_json(char *out, size_t n, const json_t *v)
{
    if (json_is_string(v) && !cs__json_has_nul(v))
        return cs__repr(out, n, json_string_value(v));
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    snprintf(out, n, "%s", s ? s : "?");
    free(s);
    return out;
}
