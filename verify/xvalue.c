/* xvalue.c - expectation and outcome values (see xvalue.h). */
#include "xvalue.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Values nest no deeper than the loader lets a file nest (Jansson's 2048). */
#define CS__XV_MAX_DEPTH 4096

void cs_xv_clear(cs_xv *v)
{
    if (!v)
        return;
    for (size_t k = 0; k < v->n; k++) {
        cs_xv_clear(&v->items[k]);
        if (v->keys)
            free(v->keys[k]);
    }
    free(v->items);
    free(v->keys);
    free(v->s);
    memset(v, 0, sizeof *v);
}

void cs_xv_free(cs_xv *v)
{
    cs_xv_clear(v);
    free(v);
}

double cs_xv_number(const cs_xv *v)
{
    return !v ? 0 : v->kind == CS_XV_INT ? (double)v->i : v->kind == CS_XV_REAL ? v->r : 0;
}

int64_t cs_xv_int(const cs_xv *v)
{
    return v && v->kind == CS_XV_INT ? v->i : 0;
}

const cs_xv *cs_xv_get(const cs_xv *v, const char *key)
{
    if (!v || v->kind != CS_XV_OBJECT)
        return NULL;
    for (size_t k = 0; k < v->n; k++)
        if (strcmp(v->keys[k], key) == 0)
            return &v->items[k];
    return NULL;
}

bool cs_xv_equal(const cs_xv *a, const cs_xv *b)
{
    if (!a || !b || a->kind != b->kind)
        return false;
    switch (a->kind) {
    case CS_XV_NULL:
    case CS_XV_FALSE:
    case CS_XV_TRUE: return true;
    case CS_XV_INT: return a->i == b->i;
    case CS_XV_REAL: return a->r == b->r;
    case CS_XV_STRING: return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
    case CS_XV_ARRAY:
        if (a->n != b->n)
            return false;
        for (size_t k = 0; k < a->n; k++)
            if (!cs_xv_equal(&a->items[k], &b->items[k]))
                return false;
        return true;
    case CS_XV_OBJECT:
        if (a->n != b->n)
            return false;
        for (size_t k = 0; k < a->n; k++)
            if (!cs_xv_equal(&a->items[k], cs_xv_get(b, a->keys[k])))
                return false;
        return true;
    }
    return false;
}

/* A string as Jansson writes it: \" \\ \b \f \n \r \t, other control
 * characters as \u00XX, everything else (UTF-8 included) as it is. */
static void cs__dump_string(FILE *f, const char *s, size_t len)
{
    fputc('"', f);
    for (size_t k = 0; k < len; k++) {
        unsigned char c = (unsigned char)s[k];
        switch (c) {
        case '\\': fputs("\\\\", f); break;
        case '"': fputs("\\\"", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (c < 0x20)
                fprintf(f, "\\u%04X", c);
            else
                fputc(c, f);
        }
    }
    fputc('"', f);
}

/* A real as Jansson writes it: %.17g, a ".0" when that reads as an integer,
 * no '+' and no leading zeros in the exponent. */
static void cs__dump_real(FILE *f, double r)
{
    char buf[64];
    snprintf(buf, sizeof buf - 2, "%.17g", r);
    if (!strchr(buf, '.') && !strchr(buf, 'e'))
        strcat(buf, ".0");
    char *e = strchr(buf, 'e');
    if (e) {
        char *start = e + 1, *end = start + 1;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start)
            memmove(start, end, strlen(end) + 1);
    }
    fputs(buf, f);
}

static void cs__dump(FILE *f, const cs_xv *v, int depth)
{
    assert(depth < CS__XV_MAX_DEPTH);
    switch (v->kind) {
    case CS_XV_NULL: fputs("null", f); break;
    case CS_XV_FALSE: fputs("false", f); break;
    case CS_XV_TRUE: fputs("true", f); break;
    case CS_XV_INT: fprintf(f, "%lld", (long long)v->i); break;
    case CS_XV_REAL: cs__dump_real(f, v->r); break;
    case CS_XV_STRING: cs__dump_string(f, v->s, v->len); break;
    case CS_XV_ARRAY:
    case CS_XV_OBJECT:
        fputc(v->kind == CS_XV_ARRAY ? '[' : '{', f);
        for (size_t k = 0; k < v->n; k++) {
            if (k)
                fputc(',', f);
            if (v->kind == CS_XV_OBJECT) {
                cs__dump_string(f, v->keys[k], strlen(v->keys[k]));
                fputc(':', f);
            }
            cs__dump(f, &v->items[k], depth + 1);
        }
        fputc(v->kind == CS_XV_ARRAY ? ']' : '}', f);
        break;
    }
}

char *cs_xv_dump(const cs_xv *v)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m)
        return cs_xstrdup("?");
    cs__dump(m, v, 0);
    fclose(m);
    return text;
}
