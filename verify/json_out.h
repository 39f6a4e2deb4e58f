/* json_out.h - a streaming JSON writer that prints what Python's json.dumps prints.
 *
 * Two layouts: `indent` 2 is json.dumps(doc, indent=2, ensure_ascii=False)
 * (items on their own lines, "," at line ends, empty containers as {} and []);
 * CS_JW_ONE_LINE is json.dumps(doc, ensure_ascii=False) (", " and ": " on one
 * line), used for JSON Lines.  Strings are escaped as Python escapes them with
 * ensure_ascii=False: only '"', '\\' and control characters below 0x20; other
 * bytes, DEL and U+2028 included, pass through as raw UTF-8.  Reals follow the
 * oracle's jnum rule (pyfloat.h).
 *
 * A writer keeps only the nesting depth and whether the current container has
 * an item yet, so a document of any size is written in constant memory.  By
 * default every piece goes straight to the FILE, so a caller may mix its own
 * fprintf with writer calls.  A writer given a buffer (cs_jw_set_buffer)
 * collects text there instead and hands it to the FILE only when the buffer
 * fills or on cs_jw_flush: far fewer stdio calls, but the caller must flush
 * before touching the FILE itself.  The caller checks ferror() on the stream.
 */
#ifndef CS_JSON_OUT_H
#define CS_JSON_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#define CS_JW_ONE_LINE (-1)

typedef struct cs_jw {
    FILE *f;
    int indent;     /* spaces per level, or CS_JW_ONE_LINE */
    int depth;      /* open containers, plus the base depth given at init */
    bool first;     /* the innermost open container has no item yet */
    bool after_key; /* a key was written; its value comes next */
    bool top;       /* nothing written yet: the first value has no prefix */
    char *buf;      /* text not yet handed to f, or NULL: write through */
    size_t len, cap;
} cs_jw;

/* Prepares a writer on f.  `depth` is the nesting level the first value
 * starts at, for a document printed inside a bigger one: with indent 2 and
 * depth 1, the first value's lines are indented as an element of a top-level
 * array is (the caller has written the text before the value). */
void cs_jw_init(cs_jw *w, FILE *f, int indent, int depth);
/* Starts a new document on the same stream, layout and buffer (the text of
 * the previous one stays buffered): a JSON Lines writer calls it per line. */
void cs_jw_restart(cs_jw *w, int depth);

/* Collects output in buf (cap bytes, borrowed) until it fills or cs_jw_flush;
 * buf NULL writes through again (flush first).  Writers start without one. */
void cs_jw_set_buffer(cs_jw *w, char *buf, size_t cap);
/* Hands the buffered text to the FILE (a no-op without a buffer). */
void cs_jw_flush(cs_jw *w);
/* Raw text, not JSON-encoded (a line break between JSON Lines records). */
void cs_jw_raw(cs_jw *w, const char *s, size_t len);

void cs_jw_begin_object(cs_jw *w);
void cs_jw_end_object(cs_jw *w);
void cs_jw_begin_array(cs_jw *w);
void cs_jw_end_array(cs_jw *w);

/* An object key; the next call writes its value. */
void cs_jw_key(cs_jw *w, const char *key);

/* A key the program spells as a string literal with nothing to escape,
 * quoted at compile time: CS_JW_LIT("state") holds `"state": `.  Writers of
 * millions of keys use it to skip measuring and scanning each. */
typedef struct cs_jw_lit {
    const char *text; /* the quoted key followed by ": " */
    size_t len;
} cs_jw_lit;
#define CS_JW_LIT(key) ((cs_jw_lit){"\"" key "\": ", sizeof(key) + 3})
void cs_jw_key_lit(cs_jw *w, cs_jw_lit key);
#define CS_JW_KEY(w, key) cs_jw_key_lit((w), CS_JW_LIT(key))

/* A value that is already JSON text (len bytes, written as they are). */
void cs_jw_verbatim(cs_jw *w, const char *json, size_t len);

void cs_jw_string(cs_jw *w, const char *s);
void cs_jw_string_n(cs_jw *w, const char *s, size_t len);
void cs_jw_int(cs_jw *w, long long v);
void cs_jw_bool(cs_jw *w, bool v);
void cs_jw_null(cs_jw *w);
/* A float through the oracle's jnum: 2.0 -> 2, infinities -> "inf"/"-inf". */
void cs_jw_number(cs_jw *w, double x);
/* A float as Python's repr (1.0 stays 1.0); infinities -> "inf"/"-inf". */
void cs_jw_float(cs_jw *w, double x);
/* Seconds from integer nanoseconds, through cs_jw_number. */
void cs_jw_seconds(cs_jw *w, int64_t ns);
/* Seconds from integer nanoseconds, through cs_jw_float (1 s -> 1.0). */
void cs_jw_float_seconds(cs_jw *w, int64_t ns);

/* Any Jansson value; reals through jnum, object keys in insertion order. */
void cs_jw_value(cs_jw *w, const json_t *v);
/* Compact JSON text (a returned value as the engine carries it), parsed and
 * re-emitted in this writer's layout.  Returns 0, or -1 when the text does not
 * parse; it is then written verbatim so nothing is lost silently. */
int cs_jw_json_text(cs_jw *w, const char *text);

/* Writes s (len bytes) as a quoted, escaped JSON string to f. */
void cs_json_write_string(FILE *f, const char *s, size_t len);

/* The jnum rule on a Jansson value: a new reference to a copy in which every
 * real is normalised (integral below 2^53 -> integer, infinity -> string),
 * or a new reference to v itself when nothing needs changing. */
json_t *cs_json_normalize(json_t *v);

/* A float under the jnum rule as a new Jansson value: an integer when
 * integral below 2^53, the string "inf"/"-inf" for infinities, else a real. */
json_t *cs_json_number(double x);

#endif
