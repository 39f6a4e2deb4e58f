/* load.c - the loader's entry points: read the file, reject what is not
 * UTF-8 JSON, parse it with Jansson, index value positions, and convert the
 * top-level object into a cs_scenario (scenario-format.md sections 1 and 8).
 *
 * Order of checks (so that the first error reported is the oracle's): bytes
 * (BOM, NUL, UTF-8), JSON syntax, the top-level keys, format/name/description/
 * backends, exceptions, limiters, semaphores, events, locks, functions, main,
 * expectations, then the whole-program checks of load_check.c.
 */
#include "load.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "load_internal.h"
#include "util.h"

/* "$schema" points an editor at docs/scenario.schema.json; checked to be a
 * string and otherwise ignored. */
static const char *const cs__top_keys[] = {
    "$schema",   "format",       "name",    "description",       "backends",   "exceptions",
    "limiters",  "events",       "locks",   "semaphores",        "conditions", "memory_streams",
    "functions", "main",         "expect",  "expect_by_backend", "expect_any", "always",
    "pos",       "interrupt_at", "threads", "sync_main",         NULL,
};

static void cs__error_init(cs_load_error *err, const char *path)
{
    memset(err, 0, sizeof *err);
    snprintf(err->path, sizeof err->path, "%s", path ? path : "");
}

static void cs__error_set(cs_load_error *err, cs_pos pos, const char *fmt, va_list ap)
{
    err->line = pos.line;
    err->col = pos.col;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
}

static int cs__error(cs_load_error *err, cs_pos pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int cs__error(cs_load_error *err, cs_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cs__error_set(err, pos, fmt, ap);
    va_end(ap);
    return -1;
}

int cs__fail(cs__loader *ld, cs_pos pos, const char *fmt, ...)
{
    if (ld->failed)
        return -1;
    if (pos.line == 0) /* a value with no key position: point at the document */
        pos = ld->root;
    va_list ap;
    va_start(ap, fmt);
    cs__error_set(ld->err, pos, fmt, ap);
    va_end(ap);
    ld->failed = true;
    return -1;
}

uint32_t cs__member(const cs__loader *ld, const json_t *obj, uint32_t node, const char *key)
{
    uint32_t c = cs__jpos_first(&ld->idx, node);
    for (void *it = json_object_iter((json_t *)obj); it && c != CS__JNONE;
         it = json_object_iter_next((json_t *)obj, it), c = cs__jpos_next(&ld->idx, node, c))
        if (strcmp(json_object_iter_key(it), key) == 0)
            return c;
    return CS__JNONE;
}

void cs_load_error_print(const cs_load_error *err, FILE *f)
{
    if (err->line)
        fprintf(f, "%s:%u:%u: error: %s\n", err->path, err->line, err->col, err->message);
    else
        fprintf(f, "%s: error: %s\n", err->path, err->message);
}

/* Where Jansson's error points.  Jansson reports column 0 at the start of a
 * line (e.g. end of input after a newline); columns here are 1-based.  For a
 * duplicate key, or a key holding a NUL, Jansson points at the key's closing
 * quote: move to its opening quote, as for every other key. */
static cs_pos cs__jansson_pos(const char *text, size_t len, const json_error_t *je)
{
    cs_pos pos = {je->line > 0 ? (uint32_t)je->line : 1, je->column > 0 ? (uint32_t)je->column : 1};
    size_t end = je->position > 0 ? (size_t)je->position : 0;
    enum json_error_code code = json_error_code(je);
    if ((code == json_error_duplicate_key || code == json_error_null_byte_in_key) && end >= 2 && end <= len &&
        text[end - 1] == '"') {
        for (size_t q = end - 1; q-- > 0;) {
            size_t bs = 0;
            while (bs < q && text[q - 1 - bs] == '\\')
                bs++;
            if (text[q] == '"' && bs % 2 == 0)
                return cs__json_offset_pos(text, len, q);
        }
    }
    return pos;
}

/* Jansson's message for a syntax error, in words of the format: never the
 * name of one of its flags or limits. */
static const char *cs__jansson_message(const json_error_t *je)
{
    if (json_error_code(je) == json_error_null_byte_in_key)
        return "an object key may not contain the NUL character (\\u0000)";
    if (strstr(je->text, "JSON_") || strstr(je->text, "json_"))
        return "invalid JSON";
    return je->text;
}

static int cs__load_header(cs__loader *ld, const json_t *doc)
{
    char r[256];
    const json_t *v;
    if ((v = json_object_get(doc, "$schema")) && !json_is_string(v))
        return cs__fail(ld, cs__vpos(ld, cs__member(ld, doc, 0, "$schema")), "$schema must be a string");
    if ((v = json_object_get(doc, "format")) && (!json_is_integer(v) || json_integer_value(v) != 1))
        return cs__fail(ld, cs__vpos(ld, cs__member(ld, doc, 0, "format")), "format must be 1");
    v = json_object_get(doc, "name");
    if (v && !json_is_null(v) && !json_is_string(v))
        return cs__fail(ld, cs__vpos(ld, cs__member(ld, doc, 0, "name")), "name must be a string");
    if (cs__json_has_nul(v))
        return cs__fail(ld, cs__vpos(ld, cs__member(ld, doc, 0, "name")), "name: " CS__NUL_NAME);
    if (v && json_is_string(v))
        ld->prog->name = cs__program_strdup(ld->prog, json_string_value(v));
    else { /* the file name without directory and ".json" */
        const char *base = strrchr(ld->path, '/') ? strrchr(ld->path, '/') + 1 : ld->path;
        char *name = cs__program_strdup(ld->prog, base);
        size_t n = strlen(name);
        if (n >= 5 && strcmp(name + n - 5, ".json") == 0)
            name[n - 5] = '\0';
        ld->prog->name = name;
    }
    if ((v = json_object_get(doc, "description")) && !json_is_string(v))
        return cs__fail(ld, cs__vpos(ld, cs__member(ld, doc, 0, "description")), "description must be a string");
    v = json_object_get(doc, "backends");
    if (!v) {
        ld->prog->run_asyncio = ld->prog->run_trio = true;
        return 0;
    }
    uint32_t node = cs__member(ld, doc, 0, "backends");
    if (!json_is_array(v) || json_array_size(v) == 0)
        return cs__fail(ld, cs__vpos(ld, node), "backends must be a non-empty list");
    uint32_t c = cs__jpos_first(&ld->idx, node);
    for (size_t i = 0; i < json_array_size(v); i++, c = cs__jpos_next(&ld->idx, node, c)) {
        const json_t *b = json_array_get(v, i);
        const char *s = json_is_string(b) ? json_string_value(b) : "";
        bool *flag = strcmp(s, "asyncio") == 0 ? &ld->prog->run_asyncio
                     : strcmp(s, "trio") == 0  ? &ld->prog->run_trio
                                               : NULL;
        if (!flag)
            return cs__fail(ld, cs__vpos(ld, c), "unknown backend %s (asyncio, trio)", cs__repr_json(r, sizeof r, b));
        if (*flag)
            return cs__fail(ld, cs__vpos(ld, c), "duplicate backend %s", cs__repr(r, sizeof r, s));
        *flag = true;
    }
    return 0;
}

static int cs__load_functions(cs__loader *ld, const json_t *doc)
{
    const json_t *fs = json_object_get(doc, "functions");
    if (!fs)
        return 0;
    uint32_t node = cs__member(ld, doc, 0, "functions");
    if (!json_is_object(fs))
        return cs__fail(ld, cs__vpos(ld, node), "functions must be an object");
    size_t n = json_object_size(fs);
    cs_function *f = cs__program_alloc(ld->prog, n * sizeof *f);
    ld->prog->functions = f;
    ld->prog->nfunctions = (uint32_t)n;
    uint32_t c = cs__jpos_first(&ld->idx, node), i = 0;
    for (void *it = json_object_iter((json_t *)fs); it; it = json_object_iter_next((json_t *)fs, it), i++) {
        f[i].name = cs__program_strdup(ld->prog, json_object_iter_key(it));
        f[i].pos = cs__vpos(ld, c);
        cs__strmap_put(&ld->funcs, f[i].name, (int32_t)i);
        if (cs__load_function(ld, json_object_iter_value(it), c, &f[i]) < 0)
            return -1;
        c = cs__jpos_next(&ld->idx, node, c);
    }
    return 0;
}

/* The top-level "pos": {"KEY": [LINE, COL], ...} gives member KEY (key and
 * value) a source position, as a statement's "pos" does (section 2). */
static int cs__load_top_pos(cs__loader *ld, const json_t *doc)
{
    char r[256];
    const json_t *pos = json_object_get(doc, "pos");
    if (!pos)
        return 0;
    uint32_t pnode = cs__member(ld, doc, 0, "pos");
    if (!json_is_object(pos))
        return cs__fail(ld, cs__vpos(ld, pnode), "'pos' must be an object: top-level key -> [LINE, COLUMN]");
    uint32_t c = cs__jpos_first(&ld->idx, pnode);
    for (void *it = json_object_iter((json_t *)pos); it; it = json_object_iter_next((json_t *)pos, it)) {
        const char *k = json_object_iter_key(it);
        uint32_t target = strcmp(k, "pos") != 0 ? cs__member(ld, doc, 0, k) : CS__JNONE;
        if (target == CS__JNONE)
            return cs__fail(ld, cs__kpos(ld, c), "'pos' names %s, which is not a key of this scenario",
                            cs__repr(r, sizeof r, k));
        if (cs__source_pos(ld, json_object_iter_value(it), c, target) < 0)
            return -1;
        c = cs__jpos_next(&ld->idx, pnode, c);
    }
    return 0;
}

static int cs__load_doc(cs__loader *ld, const json_t *doc)
{
    char r[256];
    if (!json_is_object(doc))
        return cs__fail(ld, ld->root, "a scenario must be a JSON object");
    uint32_t c = cs__jpos_first(&ld->idx, 0);
    for (void *it = json_object_iter((json_t *)doc); it; it = json_object_iter_next((json_t *)doc, it)) {
        const char *k = json_object_iter_key(it);
        size_t i = 0;
        while (cs__top_keys[i] && strcmp(cs__top_keys[i], k) != 0)
            i++;
        if (!cs__top_keys[i] && !json_object_get(doc, "main") && !json_object_get(doc, "sync_main"))
            /* some other JSON file: say so rather than only naming the key */
            return cs__fail(ld, cs__kpos(ld, c), "unknown key %s: not a cancelsim scenario (it has no 'main')",
                            cs__repr(r, sizeof r, k));
        if (!cs__top_keys[i])
            return cs__fail(ld, cs__kpos(ld, c), "unknown key %s", cs__repr(r, sizeof r, k));
        c = cs__jpos_next(&ld->idx, 0, c);
    }
    if (cs__load_top_pos(ld, doc) < 0 || cs__load_header(ld, doc) < 0 || cs__load_exceptions(ld, doc) < 0 ||
        cs__load_resources(ld, doc) < 0 || cs__load_streams(ld, doc) < 0 || cs__load_conditions(ld, doc) < 0 ||
        cs__load_interrupts(ld, doc) < 0 || cs__load_functions(ld, doc) < 0 || cs__load_plain_threads(ld, doc) < 0)
        return -1;
    const json_t *main_body = json_object_get(doc, "main");
    if (json_object_get(doc, "sync_main")) { /* issue 26: main is start_blocking_portal's run_portal */
        if (cs__load_sync_main(ld, doc) < 0)
            return -1;
    } else if (!main_body) {
        return cs__fail(ld, ld->root, "missing required key 'main'");
    } else if (cs__conv_body(ld, main_body, cs__member(ld, doc, 0, "main"), false, &ld->prog->main) < 0) {
        return -1;
    }
    if (cs__load_expectations(ld, doc) < 0)
        return -1;
    if (cs__load_portal_withs(ld) < 0 || cs__check_program(ld) < 0)
        return -1;
    return cs__load_portals(ld);
}

static void cs__loader_free(cs__loader *ld)
{
    cs__jpos_free(&ld->idx);
    cs__strmap *maps[] = {&ld->classes, &ld->events, &ld->locks, &ld->sems,  &ld->limiters,
                          &ld->funcs,   &ld->decls,  &ld->ends,  &ld->conds, &ld->agens};
    for (size_t i = 0; i < sizeof maps / sizeof *maps; i++)
        cs__strmap_free(maps[i]);
    free(ld->scopes.v);
    free(ld->tasks.v);
    free(ld->refs);
    free(ld->endv);
    free(ld->datums);
    cs__names_free(ld);
}

static json_t *cs__ref_or_null(json_t *doc, const char *key)
{
    json_t *v = json_object_get(doc, key);
    return v ? json_incref(v) : NULL;
}

int cs_load_buffer(const char *path, const char *text, size_t len, cs_scenario **out, cs_load_error *err)
{
    cs_pos pos;
    json_error_t je;
    *out = NULL;
    cs__error_init(err, path);
    if (len > CS_LOAD_MAX_FILE)
        return cs__error(err, (cs_pos){0, 0}, "file is larger than the limit of %u bytes", CS_LOAD_MAX_FILE);
    if (cs__json_check_bytes(text, len, &pos, err->message, sizeof err->message) < 0) {
        err->line = pos.line;
        err->col = pos.col;
        return -1;
    }
    /* a NUL is legal in text (a log line, a message: text.h); names refuse it */
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    size_t blank = 0; /* `text` need not end in a NUL: count within len */
    while (!doc && blank < len && text[blank] && strchr(" \t\r\n", text[blank]))
        blank++;
    if (!doc && blank == len)
        return cs__error(err, cs__jansson_pos(text, len, &je),
                         "the file is empty: a scenario is a JSON object with a 'main' list");
    if (!doc && strncmp(je.text, "maximum parsing depth reached", 29) == 0)
        /* Jansson's JSON_PARSER_MAX_DEPTH (2048): the loader's nesting limit */
        return cs__error(err, cs__jansson_pos(text, len, &je),
                         "nesting deeper than the limit of 2048 JSON levels (arrays and objects)");
    if (!doc)
        return cs__error(err, cs__jansson_pos(text, len, &je), "%s", cs__jansson_message(&je));

    cs__loader ld = {.path = path ? path : "", .err = err};
    int rc = -1;
    if (cs__jpos_build(&ld.idx, text, len) < 0 || ld.idx.n == 0) {
        cs__error(err, (cs_pos){1, 1}, "too many JSON values");
        goto done;
    }
    ld.root = cs__vpos(&ld, 0);
    ld.prog = cs__program_new();
    ld.prog->path = cs__program_strdup(ld.prog, ld.path);
    if (cs__load_doc(&ld, doc) < 0)
        goto done;
    cs_scenario *sc = cs_xcalloc(1, sizeof *sc);
    sc->program = ld.prog;
    ld.prog = NULL;
    sc->expect = cs__ref_or_null(doc, "expect");
    sc->expect_by_backend = cs__ref_or_null(doc, "expect_by_backend");
    sc->expect_any = cs__ref_or_null(doc, "expect_any");
    sc->always = cs__ref_or_null(doc, "always");
    *out = sc;
    rc = 0;
done:
    cs_program_free(ld.prog);
    cs__loader_free(&ld);
    json_decref(doc);
    return rc;
}

/* Reads `f` to its end (a little past the size limit at most) and loads it
 * under the name `path`. */
static int cs__load_stream(FILE *f, const char *path, cs_scenario **out, cs_load_error *err)
{
    size_t cap = 64 * 1024, len = 0;
    char *buf = cs_xmalloc(cap);
    while (len <= CS_LOAD_MAX_FILE) { /* past the limit, stop: it is rejected anyway */
        if (len == cap) {
            cap *= 2;
            buf = cs_xrealloc(buf, cap);
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    int rerr = ferror(f) ? (errno ? errno : EIO) : 0;
    int rc;
    if (rerr)
        rc = cs__error(err, (cs_pos){0, 0}, "cannot read scenario: %s", strerror(rerr));
    else
        rc = cs_load_buffer(path, buf, len, out, err);
    free(buf);
    return rc;
}

int cs_load_file(const char *path, cs_scenario **out, cs_load_error *err)
{
    *out = NULL;
    if (strcmp(path, "-") == 0) {
        cs__error_init(err, CS_LOAD_STDIN);
        return cs__load_stream(stdin, CS_LOAD_STDIN, out, err);
    }
    cs__error_init(err, path);
    /* stat first: a FIFO or device would block or never end, a directory is
     * no file, and an oversized file is refused without reading it */
    struct stat st;
    if (stat(path, &st) != 0)
        return cs__error(err, (cs_pos){0, 0}, "cannot read scenario: %s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return cs__error(err, (cs_pos){0, 0}, "cannot read scenario: not a regular file");
    if ((uintmax_t)st.st_size > CS_LOAD_MAX_FILE)
        return cs__error(err, (cs_pos){0, 0}, "cannot read scenario: larger than %u bytes", CS_LOAD_MAX_FILE);
    FILE *f = fopen(path, "rb");
    if (!f)
        return cs__error(err, (cs_pos){0, 0}, "cannot read scenario: %s", strerror(errno));
    int rc = cs__load_stream(f, path, out, err);
    fclose(f);
    return rc;
}

void cs_scenario_free(cs_scenario *sc)
{
    if (!sc)
        return;
    cs_program_free(sc->program);
    json_decref(sc->expect);
    json_decref(sc->expect_by_backend);
    json_decref(sc->expect_any);
    json_decref(sc->always);
    free(sc);
}
