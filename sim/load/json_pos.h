/* json_pos.h - where every JSON value and object key sits in the source text.
 *
 * Jansson reports positions only for syntax errors, and it shares one object
 * for every true/false/null, so a json_t cannot tell where it came from.  The
 * loader therefore scans the (already Jansson-validated) text once more and
 * records, in document order, the line and column of every value and of every
 * object key.  Walking this index in parallel with the Jansson tree (Jansson
 * keeps object keys in insertion order) gives each value its position.
 *
 * Positions are counted as Jansson counts them: lines from 1, split at '\n'
 * only; columns from 1, advancing once per character (per UTF-8 lead byte), so
 * a '\r' or a tab is one column.
 *
 * Invariants of a built index: nodes[0] is the root value; the children of a
 * container node i are i+1, nodes[i+1].end, ... up to nodes[i].end (exclusive),
 * in document order; a scalar's end is its own index + 1.
 */
#ifndef CS_JSON_POS_H
#define CS_JSON_POS_H

#include <stddef.h>
#include <stdint.h>

#include "program.h"

typedef struct cs__jnode {
    uint32_t line, col;   /* first character of the value */
    uint32_t kline, kcol; /* opening quote of its key (object members); else 0 */
    uint32_t end;         /* index just past this node's subtree */
} cs__jnode;

typedef struct cs__jpos {
    cs__jnode *nodes; /* owned */
    uint32_t n;
} cs__jpos;

#define CS__JNONE UINT32_MAX

/* Rejects what the format forbids before JSON syntax is even considered: a
 * UTF-8 byte order mark, a NUL byte, and invalid UTF-8 (overlong forms,
 * surrogates, code points above U+10FFFF, truncated sequences).  Returns 0, or
 * -1 with *pos at the first offending byte and a message in msg. */
int cs__json_check_bytes(const char *text, size_t len, cs_pos *pos, char *msg, size_t msgsize);

/* Line and column of the byte at `offset` (which must be <= len). */
cs_pos cs__json_offset_pos(const char *text, size_t len, size_t offset);

/* Builds the index of `text`, which Jansson has already parsed successfully
 * (the scanner trusts its syntax and never reads past len).  Returns 0, or -1
 * if the text has more values than a uint32_t can count. */
int cs__jpos_build(cs__jpos *idx, const char *text, size_t len);
void cs__jpos_free(cs__jpos *idx);

/* First child of container node i, or CS__JNONE when it is empty. */
static inline uint32_t cs__jpos_first(const cs__jpos *idx, uint32_t i)
{
    return i + 1 < idx->nodes[i].end ? i + 1 : CS__JNONE;
}

/* The sibling after child c of container node parent, or CS__JNONE. */
static inline uint32_t cs__jpos_next(const cs__jpos *idx, uint32_t parent, uint32_t c)
{
    uint32_t nx = idx->nodes[c].end;
    return nx < idx->nodes[parent].end ? nx : CS__JNONE;
}

static inline cs_pos cs__jpos_value(const cs__jpos *idx, uint32_t i)
{
    cs_pos p = {idx->nodes[i].line, idx->nodes[i].col};
    return p;
}

static inline cs_pos cs__jpos_key(const cs__jpos *idx, uint32_t i)
{
    cs_pos p = {idx->nodes[i].kline, idx->nodes[i].kcol};
    return p;
}

#endif
