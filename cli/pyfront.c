/* pyfront.c - scenario files for the subcommands: a .json file is loaded as
 * it is; a .py file (an AnyIO program) is first translated into a scenario by
 * python/cancelsim_py/translate.py, run with `python3`, and the scenario text
 * it prints is loaded under the .py file's name.  The translator gives every
 * statement the Python position it came from ("pos", scenario-format.md
 * section 2), so the loader's errors, run-time errors and the trace name
 * FILE.py:LINE:COL.
 *
 * Where the translator lives, first found wins: $CANCELSIM_PYTHON_DIR; the
 * installed copy, share/cancelsim/ beside the binary's bin/ (found through
 * /proc/self/exe); the source tree the binary was built from.  The
 * interpreter is $CANCELSIM_PYTHON, else `python3` on the PATH.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

#ifndef CS_PYTHON_SOURCE_DIR
#define CS_PYTHON_SOURCE_DIR ""
#endif
#define CS__TRANSLATOR "cancelsim_py/translate.py"
#define CS__MAX_OUT (64u * 1024u * 1024u) /* the loader's file limit */
#define CS__MAX_ERR (64u * 1024u)

bool cs_cli_is_python(const char *file)
{
    size_t n = strlen(file);
    return n > 3 && strcmp(file + n - 3, ".py") == 0;
}

static bool cs__is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Writes the translator's path into buf; false when none is found. */
static bool cs__find_translator(char *buf, size_t n)
{
    const char *env = getenv("CANCELSIM_PYTHON_DIR");
    if (env && *env) {
        snprintf(buf, n, "%s/%s", env, CS__TRANSLATOR);
        return cs__is_file(buf);
    }
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0'; /* .../bin */
            snprintf(buf, n, "%s/../share/cancelsim/%s", exe, CS__TRANSLATOR);
            if (cs__is_file(buf))
                return true;
        }
    }
    snprintf(buf, n, "%s/%s", CS_PYTHON_SOURCE_DIR, CS__TRANSLATOR);
    return CS_PYTHON_SOURCE_DIR[0] && cs__is_file(buf);
}

/* Appends what fd has to *buf (up to max bytes; the rest is drained and
 * dropped).  Returns false at end of file. */
static bool cs__drain(int fd, char **buf, size_t *len, size_t *cap, size_t max)
{
    char chunk[65536];
    ssize_t got = read(fd, chunk, sizeof chunk);
    if (got < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (got <= 0)
        return false;
    size_t take = (size_t)got;
    if (*len + take > max)
        take = max > *len ? max - *len : 0;
    if (*len + take + 1 > *cap) {
        while (*len + take + 1 > *cap)
            *cap *= 2;
        *buf = cs_xrealloc(*buf, *cap);
    }
    memcpy(*buf + *len, chunk, take);
    *len += take;
    (*buf)[*len] = '\0';
    return true;
}

/* Runs argv with stdout and stderr captured; returns the exit status (-1:
 * could not start, 128+N: killed by signal N). */
static int cs__capture(char *const argv[], char **out, size_t *outlen, char **err, size_t *errlen)
{
    int po[2], pe[2];
    if (pipe(po) != 0)
        return -1;
    if (pipe(pe) != 0) {
        close(po[0]);
        close(po[1]);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(po[0]);
        close(po[1]);
        close(pe[0]);
        close(pe[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(po[1]);
        close(pe[0]);
        close(pe[1]);
        execvp(argv[0], argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    size_t ocap = 65536, ecap = 4096;
    *out = cs_xmalloc(ocap);
    *err = cs_xmalloc(ecap);
    (*out)[0] = (*err)[0] = '\0';
    *outlen = *errlen = 0;
    struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0) { /* ends: each pipe reaches end of file when the child exits */
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            bool more = i == 0 ? cs__drain(fds[i].fd, out, outlen, &ocap, CS__MAX_OUT + 1)
                               : cs__drain(fds[i].fd, err, errlen, &ecap, CS__MAX_ERR);
            if (!more) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

/* Fills err from the translator's "FILE:LINE:COL: error: MESSAGE" line, or
 * with the whole text as the message. */
static void cs__parse_error(const char *file, const char *text, cs_load_error *err)
{
    size_t fl = strlen(file);
    const char *nl = strchr(text, '\n');
    size_t n = nl ? (size_t)(nl - text) : strlen(text);
    unsigned line = 0, col = 0;
    int used = 0;
    if (strncmp(text, file, fl) == 0 && text[fl] == ':') {
        const char *p = text + fl + 1;
        if (sscanf(p, "%u:%u: error: %n", &line, &col, &used) == 2 && used > 0) {
            err->line = line;
            err->col = col;
            snprintf(err->message, sizeof err->message, "%.*s", (int)(n - (size_t)(p + used - text)), p + used);
            return;
        }
        if (strncmp(p, " error: ", 8) == 0) {
            snprintf(err->message, sizeof err->message, "%.*s", (int)(n - fl - 9), p + 8);
            return;
        }
    }
    snprintf(err->message, sizeof err->message, "cannot translate: %.*s", (int)n, text);
}

int cs_cli_translate(const char *file, const char *function, char **text, size_t *len, cs_load_error *err)
{
    memset(err, 0, sizeof *err);
    snprintf(err->path, sizeof err->path, "%s", file);
    *text = NULL;
    *len = 0;
    char script[PATH_MAX + 64];
    if (!cs__find_translator(script, sizeof script)) {
        snprintf(err->message, sizeof err->message,
                 "cannot translate: the Python translator (%s) is not installed; set CANCELSIM_PYTHON_DIR",
                 CS__TRANSLATOR);
        return -1;
    }
    const char *py = getenv("CANCELSIM_PYTHON");
    char *argv[] = {(char *)(py && *py ? py : "python3"), "-I", "-S",         script, "--function",
                    (char *)(function ? function : ""),   "--", (char *)file, NULL};
    if (!function) /* no --function: drop the pair */
        memmove(&argv[4], &argv[6], 3 * sizeof *argv);
    char *out, *errtext;
    size_t errlen;
    int rc = cs__capture(argv, &out, len, &errtext, &errlen);
    if (rc == 0 && *len > CS__MAX_OUT) {
        snprintf(err->message, sizeof err->message, "translated scenario larger than %u bytes", CS__MAX_OUT);
        rc = 3;
    } else if (rc == 2 && errlen) {
        cs__parse_error(file, errtext, err);
    } else if (rc < 0) {
        snprintf(err->message, sizeof err->message, "cannot translate: cannot start %s: %s", argv[0], strerror(errno));
    } else if (rc != 0) {
        snprintf(err->message, sizeof err->message, "cannot translate: %s exited with status %d%s%.*s", argv[0], rc,
                 errlen ? ": " : "", (int)strcspn(errtext, "\n"), errtext);
    }
    free(errtext);
    if (rc != 0) {
        free(out);
        *len = 0;
        return -1;
    }
    *text = out;
    return 0;
}

int cs_cli_load(const char *file, cs_scenario **out, cs_load_error *err)
{
    if (!cs_cli_is_python(file))
        return cs_load_file(file, out, err);
    *out = NULL;
    char *text;
    size_t len;
    if (cs_cli_translate(file, NULL, &text, &len, err) != 0)
        return -1;
    int rc = cs_load_buffer(file, text, len, out, err);
    free(text);
    return rc;
}
