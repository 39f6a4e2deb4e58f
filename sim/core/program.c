/* program.c - the program's memory and its class hierarchy (see program.h).
 *
 * A program lives in one arena: a list of chunks that the loader bump-allocates
 * from, freed in one call.  The arena's head sits just before the cs_program
 * in the same allocation, so cs_program_free needs no extra field in the
 * public struct.  The allocation functions are declared in load_arena.h:
 * only the loader builds programs.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "load_arena.h"
#include "util.h"

enum { CS__CHUNK_SIZE = 64 * 1024 };

typedef struct cs__chunk {
    struct cs__chunk *next;
    size_t used, cap;
    max_align_t data[]; /* aligned for any type */
} cs__chunk;

typedef struct cs__program_box {
    cs__chunk *chunks; /* newest first */
    cs_program prog;
} cs__program_box;

static cs__program_box *cs__box(cs_program *prog)
{
    return (cs__program_box *)((char *)prog - offsetof(cs__program_box, prog));
}

cs_program *cs__program_new(void)
{
    cs__program_box *box = cs_xcalloc(1, sizeof *box);
    return &box->prog;
}

void *cs__program_alloc(cs_program *prog, size_t n)
{
    cs__program_box *box = cs__box(prog);
    size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    if (n == 0)
        n = align;
    cs__chunk *c = box->chunks;
    if (!c || c->cap - c->used < n) {
        /* A large request gets a chunk of its own behind the current one, so
         * the current chunk's free space is not wasted. */
        size_t cap = n > CS__CHUNK_SIZE / 4 ? n : CS__CHUNK_SIZE;
        cs__chunk *nc = cs_xmalloc(sizeof *nc + cap);
        nc->used = 0;
        nc->cap = cap;
        if (c && cap != CS__CHUNK_SIZE) {
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            box->chunks = nc;
        }
        c = nc;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *cs__program_strdup(cs_program *prog, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = cs__program_alloc(prog, n);
    memcpy(d, s, n);
    return d;
}

void cs_program_free(cs_program *prog)
{
    if (!prog)
        return;
    cs__program_box *box = cs__box(prog);
    for (cs__chunk *c = box->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(box);
}

/* CPython 3.11 and AnyIO 4.14 bases, in cs_exc_class_id order.  ExceptionGroup
 * also derives from Exception; cs_exc_class_is special-cases that. */
static const cs_exc_class cs__builtins[CS_EXC_BUILTIN_COUNT] = {
    [CS_EXC_BASE_EXCEPTION] = {"BaseException", -1},
    [CS_EXC_EXCEPTION] = {"Exception", CS_EXC_BASE_EXCEPTION},
    [CS_EXC_ARITHMETIC_ERROR] = {"ArithmeticError", CS_EXC_EXCEPTION},
    [CS_EXC_ZERO_DIVISION_ERROR] = {"ZeroDivisionError", CS_EXC_ARITHMETIC_ERROR},
    [CS_EXC_LOOKUP_ERROR] = {"LookupError", CS_EXC_EXCEPTION},
    [CS_EXC_KEY_ERROR] = {"KeyError", CS_EXC_LOOKUP_ERROR},
    [CS_EXC_INDEX_ERROR] = {"IndexError", CS_EXC_LOOKUP_ERROR},
    [CS_EXC_VALUE_ERROR] = {"ValueError", CS_EXC_EXCEPTION},
    [CS_EXC_TYPE_ERROR] = {"TypeError", CS_EXC_EXCEPTION},
    [CS_EXC_RUNTIME_ERROR] = {"RuntimeError", CS_EXC_EXCEPTION},
    [CS_EXC_NOT_IMPLEMENTED_ERROR] = {"NotImplementedError", CS_EXC_RUNTIME_ERROR},
    [CS_EXC_OS_ERROR] = {"OSError", CS_EXC_EXCEPTION},
    [CS_EXC_CONNECTION_ERROR] = {"ConnectionError", CS_EXC_OS_ERROR},
    [CS_EXC_TIMEOUT_ERROR] = {"TimeoutError", CS_EXC_OS_ERROR},
    [CS_EXC_KEYBOARD_INTERRUPT] = {"KeyboardInterrupt", CS_EXC_BASE_EXCEPTION},
    [CS_EXC_SYSTEM_EXIT] = {"SystemExit", CS_EXC_BASE_EXCEPTION},
    [CS_EXC_GENERATOR_EXIT] = {"GeneratorExit", CS_EXC_BASE_EXCEPTION},
    [CS_EXC_BASE_EXCEPTION_GROUP] = {"BaseExceptionGroup", CS_EXC_BASE_EXCEPTION},
    [CS_EXC_EXCEPTION_GROUP] = {"ExceptionGroup", CS_EXC_BASE_EXCEPTION_GROUP},
    [CS_EXC_TASK_FAILED] = {"TaskFailed", CS_EXC_EXCEPTION},
    [CS_EXC_TASK_CANCELLED] = {"TaskCancelled", CS_EXC_TASK_FAILED},
    [CS_EXC_WOULD_BLOCK] = {"WouldBlock", CS_EXC_EXCEPTION},
    [CS_EXC_BROKEN_RESOURCE_ERROR] = {"BrokenResourceError", CS_EXC_EXCEPTION},
    [CS_EXC_CLOSED_RESOURCE_ERROR] = {"ClosedResourceError", CS_EXC_EXCEPTION},
    [CS_EXC_END_OF_STREAM] = {"EndOfStream", CS_EXC_EXCEPTION},
    [CS_EXC_RUN_FINISHED_ERROR] = {"RunFinishedError", CS_EXC_RUNTIME_ERROR},
    /* its own name in traces (asyncio's cancellation is also CancelledError); the
     * outcome prints CancelledError (cs_outcome_class_name) */
    [CS_EXC_FUTURE_CANCELLED] = {"concurrent.futures.CancelledError", CS_EXC_EXCEPTION},
    [CS_EXC_CANCELLED] = {"Cancelled", CS_EXC_BASE_EXCEPTION},
};

cs_exc_class cs__builtin_class(int32_t i)
{
    return cs__builtins[i];
}

bool cs_exc_class_is(const cs_program *prog, int32_t cls, int32_t base)
{
    uint32_t n = prog ? prog->nclasses : 0;
    if (cls < 0 || base < 0 || (uint32_t)cls >= n || (uint32_t)base >= n)
        return false;
    /* The walk is bounded by the class count, so even a corrupt table with a
     * cycle cannot loop forever. */
    for (uint32_t steps = 0; cls >= 0 && (uint32_t)cls < n && steps <= n; steps++) {
        if (cls == base)
            return true;
        if (cls == CS_EXC_EXCEPTION_GROUP && base == CS_EXC_EXCEPTION)
            return true;
        cls = prog->classes[cls].base;
    }
    return false;
}
