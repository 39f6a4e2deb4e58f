/* opts.c - the option parser every subcommand uses: glibc's getopt_long under
 * one set of conventions, so that `cancelsim CMD` reads its arguments as GNU
 * tools do.
 *
 * A command lists its options as short strings ("backend=", "output|o=",
 * "help|h", "tap"), and the parser hands them back in argument order under
 * their long names ("--backend"), whichever way they were written:
 * `--opt=value`, `--opt value`, an unambiguous prefix (`--back`), the short
 * form (`-o x`, `-ox`), bundled short flags.  Operands come back in order
 * among the options (a FILE may come before or after its options), `--` ends
 * the options and `-` is an operand (standard input).  Every mistake is one
 * message and exit status 2: an unknown option (with "did you mean" when a
 * known one is close), an ambiguous prefix, a missing value, a value given to
 * a flag.
 *
 * getopt_long keeps its state in globals: optind is reset to 0 (glibc's full
 * reinitialisation) whenever a parser starts, and the leading "-" of the
 * short-option string makes glibc return operands in order (ignoring
 * POSIXLY_CORRECT), the ":" tells a missing value from an unknown option.
 */
#include <assert.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Option values: a short option's character, or CS__LONG_BASE + index. */
#define CS__LONG_BASE 256

void cs_cli_parser_init(cs_cli_parser *p, const char *cmd, int argc, char **argv, const char *const *spec)
{
    memset(p, 0, sizeof *p);
    p->cmd = cmd;
    p->argc = argc;
    p->argv = argv;
    size_t ns = 0;
    p->shortopts[ns++] = '-';
    p->shortopts[ns++] = ':';
    size_t n = 0;
    for (; spec[n]; n++) {
        assert(n < CS_CLI_MAX_OPTS);
        const char *s = spec[n];
        size_t len = strcspn(s, "|=");
        assert(len > 0 && len < sizeof p->names[n]);
        memcpy(p->names[n], s, len);
        p->names[n][len] = '\0';
        bool arg = strchr(s, '=') != NULL;
        bool optional = strstr(s, "=?") != NULL; /* --NAME or --NAME=VALUE, long form only */
        assert(!optional || !strchr(s, '|'));
        const char *bar = strchr(s, '|');
        int val = CS__LONG_BASE + (int)n;
        if (bar) {
            assert(ns + 3 < sizeof p->shortopts);
            val = (unsigned char)bar[1];
            p->shortopts[ns++] = bar[1];
            if (arg)
                p->shortopts[ns++] = ':';
        }
        int has = optional ? optional_argument : arg ? required_argument : no_argument;
        p->longopts[n] = (struct option){p->names[n], has, NULL, val};
    }
    p->longopts[n] = (struct option){NULL, 0, NULL, 0};
    p->nopts = n;
    p->shortopts[ns] = '\0';
    optind = 0; /* glibc: start over, forgetting any earlier parse */
    opterr = 0;
}

size_t cs_cli_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) /* a bound on the table; such names are never close */
        return 64;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *cs_cli_closest(const char *word, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t bd = 3; /* at most two edits away, and less than the word itself */
    for (size_t i = 0; i < n; i++) {
        size_t d = cs_cli_edit_distance(word, names[i]);
        if (d < bd && d < strlen(word)) {
            bd = d;
            best = names[i];
        }
    }
    return best;
}

/* The long options that `name` (without dashes, up to '=') is a prefix of;
 * an exact match alone counts when there is one.  Returns how many, the
 * first in *first. */
static size_t cs__matches(const cs_cli_parser *p, const char *name, size_t len, size_t *first)
{
    size_t k = 0;
    for (size_t i = 0; i < p->nopts; i++) {
        if (strncmp(p->names[i], name, len) != 0)
            continue;
        if (p->names[i][len] == '\0') {
            *first = i;
            return 1;
        }
        if (k++ == 0)
            *first = i;
    }
    return k;
}

/* Prints the usage error for an unrecognised long option `text` ("--x[=v]"). */
static int cs__bad_long(const cs_cli_parser *p, const char *text)
{
    const char *name = text + 2;
    size_t len = strcspn(name, "=");
    size_t first = 0, k = cs__matches(p, name, len, &first);
    if (k == 1 && name[len] == '=')
        return cs_cli_usage_error(p->cmd, "option '--%s' takes no value", p->names[first]);
    if (k > 1) {
        char list[256] = "";
        for (size_t i = first, w = 0; i < p->nopts && w + 40 < sizeof list; i++)
            if (strncmp(p->names[i], name, len) == 0)
                w += (size_t)snprintf(list + w, sizeof list - w, "%s--%s", w ? ", " : "", p->names[i]);
        return cs_cli_usage_error(p->cmd, "option '--%.*s' is ambiguous (%s)", (int)len, name, list);
    }
    char word[64];
    snprintf(word, sizeof word, "%.*s", (int)(len < 63 ? len : 63), name);
    const char *names[CS_CLI_MAX_OPTS];
    for (size_t i = 0; i < p->nopts; i++)
        names[i] = p->names[i];
    const char *near = cs_cli_closest(word, names, p->nopts);
    if (near)
        return cs_cli_usage_error(p->cmd, "unknown option '--%.*s'; did you mean '--%s'?", (int)len, name, near);
    return cs_cli_usage_error(p->cmd, "unknown option '--%.*s'", (int)len, name);
}

/* The long name of option value `val`. */
static const char *cs__name_of(const cs_cli_parser *p, int val)
{
    for (size_t i = 0; i < p->nopts; i++)
        if (p->longopts[i].val == val)
            return p->names[i];
    return "?";
}

int cs_cli_next(cs_cli_parser *p, const char **o, const char **v)
{
    *o = *v = NULL;
    if (p->ended) {
        if (optind >= p->argc)
            return CS_CLI_END;
        *o = p->argv[optind++];
        return CS_CLI_OPERAND;
    }
    int at = optind ? optind : 1;
    bool mid = p->mid;
    const char *text = at < p->argc ? p->argv[at] : "";
    bool is_long = !mid && strncmp(text, "--", 2) == 0;
    int c = getopt_long(p->argc, p->argv, p->shortopts, p->longopts, NULL);
    p->mid = c > 0 && c < CS__LONG_BASE && c != 1 && !is_long && optind == at;
    if (c == -1) { /* past `--`, or the end: what is left are operands */
        p->ended = true;
        return cs_cli_next(p, o, v);
    }
    if (c == 1) {
        *o = optarg;
        return CS_CLI_OPERAND;
    }
    if (c == '?' && is_long)
        return cs__bad_long(p, text), CS_CLI_BAD;
    if (c == '?')
        return cs_cli_usage_error(p->cmd, "unknown option '-%c'", optopt), CS_CLI_BAD;
    if (c == ':') {
        if (is_long)
            return cs_cli_usage_error(p->cmd, "option '--%s' needs a value", cs__name_of(p, optopt)), CS_CLI_BAD;
        return cs_cli_usage_error(p->cmd, "option '-%c' needs a value", optopt), CS_CLI_BAD;
    }
    snprintf(p->opt, sizeof p->opt, "--%s", cs__name_of(p, c));
    *o = p->opt;
    *v = optarg;
    return CS_CLI_OPTION;
}

int cs_cli_next_for_file(cs_cli_parser *p, const char *help, const char **file, const char **o, const char **v)
{
    int got = cs_cli_next(p, o, v);
    if (got == CS_CLI_OPERAND && *file)
        return cs_cli_usage_error(p->cmd, "only one FILE may be given"), CS_CLI_BAD;
    if (got == CS_CLI_OPERAND) {
        *file = *o;
        return cs_cli_next_for_file(p, help, file, o, v);
    }
    if (got == CS_CLI_OPTION && strcmp(*o, "--help") == 0) {
        fputs(help, stdout);
        return CS_CLI_HELP;
    }
    if (got == CS_CLI_END && !*file)
        return cs_cli_usage_error(p->cmd, "missing FILE"), CS_CLI_BAD;
    return got;
}
