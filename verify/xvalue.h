/* xvalue.h - the values of expectations and of the outcome they are matched
 * against (scenario-format.md sections 4 and 6), without Jansson: null,
 * booleans, integers, reals, strings (which may hold NUL), arrays and objects
 * whose members keep the order of the file.
 *
 * Expectations are matched by subset, key by key in the file's order, and a
 * mismatch quotes both sides as compact JSON; this type keeps exactly what
 * that needs, so the checks (expect.c) never see a json_t.  Values are built
 * by expect_load.c, the one place that reads them from Jansson.
 */
#ifndef CS_XVALUE_H
#define CS_XVALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    CS_XV_NULL,
    CS_XV_FALSE,
    CS_XV_TRUE,
    CS_XV_INT,
    CS_XV_REAL,
    CS_XV_STRING,
    CS_XV_ARRAY,
    CS_XV_OBJECT
} cs_xv_kind;

typedef struct cs_xv cs_xv;
struct cs_xv {
    cs_xv_kind kind;
    int64_t i; /* INT */
    double r;  /* REAL */
    char *s;   /* STRING: owned, NUL-terminated, `len` bytes (may hold NUL) */
    size_t len;
    size_t n;     /* ARRAY, OBJECT: how many items */
    cs_xv *items; /* owned: the elements, or the members' values */
    char **keys;  /* OBJECT: owned member names, keys[k] for items[k] */
};

/* Frees what `v` holds (not `v` itself), recursively. */
void cs_xv_clear(cs_xv *v);
/* cs_xv_clear and free of a heap value; NULL is fine. */
void cs_xv_free(cs_xv *v);

static inline bool cs_xv_is_number(const cs_xv *v)
{
    return v && (v->kind == CS_XV_INT || v->kind == CS_XV_REAL);
}
/* An integer's or a real's value (0 for anything else). */
double cs_xv_number(const cs_xv *v);
/* An integer's value, 0 for anything else (as json_integer_value). */
int64_t cs_xv_int(const cs_xv *v);
/* The member named `key` of an object, or NULL (also when v is not one). */
const cs_xv *cs_xv_get(const cs_xv *v, const char *key);
/* Same kind and value; objects with the same members in any order, arrays
 * element by element (json_equal's rules: 1 and 1.0 differ). */
bool cs_xv_equal(const cs_xv *a, const cs_xv *b);
/* Compact JSON text of `v`, as Jansson's json_dumps(JSON_COMPACT |
 * JSON_ENCODE_ANY) writes it (reals with 17 significant digits); the caller
 * frees it. */
char *cs_xv_dump(const cs_xv *v);

#endif
