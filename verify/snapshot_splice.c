/* snapshot_splice.c - `verify --update` edits the expectation members of a
 * scenario file in its own text, so that everything else (the statements,
 * their one-line objects, the spacing) stays byte for byte as written.
 *
 * A small scanner finds the top-level members (key, value span) of the
 * file's text; the members named in `keys` get their new value (Jansson's
 * indent of 2, shifted to the member's own indentation), are dropped, or are
 * added after the last member.  The result is parsed back and must equal the
 * document it stands for; anything the scanner does not expect makes it give
 * up (NULL), and the caller writes the whole document instead. */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CS__MAX_MEMBERS 256

typedef struct cs__member {
    size_t key, vstart, vend; /* offsets: the key's quote, the value's span */
    char name[32];            /* "" when long or escaped: never one of ours */
} cs__member;

static size_t cs__ws(const char *t, size_t n, size_t i)
{
    while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n'))
        i++;
    return i;
}

/* The offset just past the string that starts at t[i] == '"', or 0. */
static size_t cs__string_end(const char *t, size_t n, size_t i)
{
    for (i++; i < n && t[i] != '"'; i++)
        if (t[i] == '\\')
            i++;
    return i < n ? i + 1 : 0;
}

/* The offset just past the value that starts at t[i], or 0. */
static size_t cs__value_end(const char *t, size_t n, size_t i)
{
    if (i >= n)
        return 0;
    if (t[i] == '"')
        return cs__string_end(t, n, i);
    if (t[i] != '{' && t[i] != '[') {
        while (i < n && !strchr(",}] \t\r\n", t[i]))
            i++;
        return i;
    }
    size_t depth = 0;
    for (; i < n; i++) {
        if (t[i] == '"') {
            size_t e = cs__string_end(t, n, i);
            if (!e)
                return 0;
            i = e - 1;
        } else if (t[i] == '{' || t[i] == '[') {
            depth++;
        } else if ((t[i] == '}' || t[i] == ']') && --depth == 0) {
            return i + 1;
        }
    }
    return 0;
}

/* The top-level members of the object in t; how many, 0 when t is not a
 * lone object the scanner understands. */
static size_t cs__members(const char *t, size_t n, cs__member *m)
{
    size_t i = cs__ws(t, n, 0), k = 0;
    if (i >= n || t[i] != '{')
        return 0;
    i = cs__ws(t, n, i + 1);
    while (k < CS__MAX_MEMBERS && i < n && t[i] == '"') {
        cs__member *e = &m[k];
        e->key = i;
        size_t kend = cs__string_end(t, n, i);
        if (!kend)
            return 0;
        size_t len = kend - i - 2;
        e->name[0] = 0;
        if (len < sizeof e->name && !memchr(t + i + 1, '\\', len)) {
            memcpy(e->name, t + i + 1, len);
            e->name[len] = 0;
        }
        i = cs__ws(t, n, kend);
        if (i >= n || t[i] != ':')
            return 0;
        e->vstart = cs__ws(t, n, i + 1);
        e->vend = cs__value_end(t, n, e->vstart);
        if (!e->vend)
            return 0;
        k++;
        i = cs__ws(t, n, e->vend);
        if (i < n && t[i] == '}')
            return cs__ws(t, n, i + 1) == n ? k : 0;
        if (i >= n || t[i] != ',')
            return 0;
        i = cs__ws(t, n, i + 1);
    }
    return 0;
}

static bool cs__is_key(const char *name, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++)
        if (strcmp(name, keys[i]) == 0)
            return true;
    return false;
}

/* The indentation of the line the member's key starts, or "" when the key
 * does not start its line. */
static char *cs__indent(const char *t, size_t key)
{
    size_t s = key;
    while (s > 0 && t[s - 1] != '\n')
        s--;
    for (size_t i = s; i < key; i++)
        if (t[i] != ' ' && t[i] != '\t')
            return cs_xstrdup("");
    return cs_xasprintf("%.*s", (int)(key - s), t + s);
}

/* The member's value: its own text when that already says v, else v written
 * at the member's indentation. */
static void cs__put_value(FILE *f, const char *t, const cs__member *m, const json_t *v)
{
    json_t *was = json_loadb(t + m->vstart, m->vend - m->vstart, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    bool same = was && json_equal(was, v);
    json_decref(was);
    if (same) {
        fwrite(t + m->vstart, 1, m->vend - m->vstart, f);
        return;
    }
    char *indent = cs__indent(t, m->key);
    char *text = cs_snapshot_dump(v, indent);
    fputs(text, f);
    free(text);
    free(indent);
}

/* Writes the members, edited, into f. */
static void cs__splice(FILE *f, const char *t, size_t n, const cs__member *m, size_t nm, const json_t *doc,
                       const char *const *keys)
{
    bool first = true;
    for (size_t i = 0; i < nm; i++) {
        const json_t *v = cs__is_key(m[i].name, keys) ? json_object_get(doc, m[i].name) : NULL;
        if (cs__is_key(m[i].name, keys) && !v)
            continue; /* dropped, with the separator before it */
        /* the text before it: the object's opening for the first one kept,
         * else the separator that came before it */
        size_t from = first ? 0 : m[i - 1].vend;
        if (first && i > 0)
            fwrite(t, 1, m[0].key, f);
        else
            fwrite(t + from, 1, m[i].key - from, f);
        first = false;
        fwrite(t + m[i].key, 1, m[i].vstart - m[i].key, f);
        if (v)
            cs__put_value(f, t, &m[i], v);
        else
            fwrite(t + m[i].vstart, 1, m[i].vend - m[i].vstart, f);
    }
    /* members to add go after the last one, with the last separator */
    const cs__member *last = &m[nm - 1];
    for (size_t k = 0; keys[k]; k++) {
        const json_t *v = json_object_get(doc, keys[k]);
        bool had = false;
        for (size_t i = 0; i < nm && !had; i++)
            had = strcmp(m[i].name, keys[k]) == 0;
        if (!v || had)
            continue;
        if (nm >= 2 && memchr(t + m[nm - 2].vend, ',', m[nm - 1].key - m[nm - 2].vend))
            fwrite(t + m[nm - 2].vend, 1, last->key - m[nm - 2].vend, f);
        else
            fputs(",\n  ", f);
        fprintf(f, "\"%s\": ", keys[k]);
        cs__put_value(f, t, last, v);
    }
    fwrite(t + last->vend, 1, n - last->vend, f);
}

char *cs_snapshot_splice(const char *text, size_t len, const json_t *doc, const char *const *keys)
{
    cs__member *m = cs_xcalloc(CS__MAX_MEMBERS, sizeof *m);
    size_t nm = cs__members(text, len, m);
    char *out = NULL;
    size_t olen = 0;
    FILE *f = nm ? open_memstream(&out, &olen) : NULL;
    if (f) {
        cs__splice(f, text, len, m, nm, doc, keys);
        fclose(f);
    }
    free(m);
    /* the edited text must read back as the document it stands for */
    json_t *back = out ? json_loadb(out, olen, JSON_ALLOW_NUL, NULL) : NULL;
    if (!back || !json_equal(back, doc)) {
        free(out);
        out = NULL;
    }
    json_decref(back);
    return out;
}
