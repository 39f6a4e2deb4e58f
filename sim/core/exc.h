/* exc.h - exception values as the engine creates them and the trace carries them.
 *
 * An exception is reference counted and, once created, changes only where a
 * Python exception does as it travels (its __context__, and left_function,
 * which stands for its traceback) and its trace id, so a trace consumer may
 * keep one beyond the event
 * that showed it (cs_exc_ref) and must then drop it (cs_exc_unref).  Groups
 * hold their members in order.  A message may hold a NUL kept as text.h says.
 *
 * Messages are stored as real AnyIO would print them, with memory addresses and
 * task reprs removed (scenario-format.md section 3): asyncio cancellations read
 * "Cancelled via cancel scope[; reason: R]", Trio ones
 * "cancelled due to SOURCE[ with reason 'R']".
 */
#ifndef CS_EXC_H
#define CS_EXC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cs_exc cs_exc;

struct cs_exc {
    uint32_t refs;
    int32_t cls; /* class index in the program (CS_EXC_CANCELLED for cancellations) */
    uint32_t nmembers;
    /* the cancel scope instance that issued this cancellation (-1 none) */
    int32_t origin_scope;
    /* asyncio: a CancelledError issued by an AnyIO cancel scope (its message
     * starts with "Cancelled via cancel scope"); only those are swallowed. */
    bool anyio_cancel;
    /* made with no arguments (repr "ValueError()"; str is "") */
    bool noargs;
    /* a group made with its members in a tuple, as except* wraps a naked
     * exception (repr "ExceptionGroup('', (ValueError(),))"); else a list */
    bool members_tuple;
    /* set when it leaves a called function (a `call`), which adds to a Python
     * traceback: an except* handler clears it when it takes the group and
     * counts the group it raises as re-raised only while it is still clear */
    bool left_function;
    /* which exception this is in the trace: numbered from 1 in the order
     * exceptions first appear in a run's events (0: not yet shown); the same
     * object keeps its id, so consumers tell exceptions apart by it (a trace
     * file carries ids, not pointers) */
    uint32_t id;
    char *message;    /* owned; str(exc), or the group's message */
    cs_exc **members; /* owned references; groups only */
    cs_exc *context;  /* owned reference or NULL: Python's __context__ */
    /* a group split from another (BaseExceptionGroup.derive: a scope keeping
     * the cancellations it catches, an except* clause): that group (owned
     * reference), so that a consumer accounting for the part can account for
     * the whole.  NULL otherwise. */
    cs_exc *derived_from;
};

/* New exception with one reference; `message` is copied (NULL = ""). */
cs_exc *cs_exc_new(int32_t cls, const char *message);
/* New group with one reference; steals nothing: takes new references to members. */
cs_exc *cs_exc_new_group(int32_t cls, const char *message, cs_exc *const *members, uint32_t n);
cs_exc *cs_exc_ref(cs_exc *e);
void cs_exc_unref(cs_exc *e);
/* Sets e->context to a new reference of ctx (releasing an older one). */
void cs_exc_set_context(cs_exc *e, cs_exc *ctx);
bool cs_exc_is_group(const cs_exc *e);
/* Gives x, and what it holds (members, the group it was split from), the next
 * ids from *next if they have none, in the order a consumer first meets them
 * (x, its members in order, then its origin).  An exception is immutable once
 * made, so a numbered one's parts are numbered already and the walk stops
 * there.  *stack / *cap: a scratch stack the caller keeps (grown by
 * doubling, freed by the caller). */
void cs_exc_number(cs_exc *x, uint32_t *next, cs_exc ***stack, size_t *cap);

#endif
