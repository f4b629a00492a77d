/* SPDX-License-Identifier: MIT */
/*
 * report_pdf.c - the deliverable as PDF: its HTML printed by headless
 * Chromium (--print-to-pdf) in a fresh profile in a private temporary
 * folder, without network, sandboxed from the user's own browser profile.
 * We keep no PDF writer of our own: Chromium lays out the same HTML and CSS
 * (@page A4) that a reader would print, CJK fonts included, which no small
 * PDF library does. Without Chromium the error says how to get it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "report/report_int.h"

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

/* Longest a print may take, and the largest PDF read back. */
#define PDF_TIMEOUT_S 120
#define PDF_MAX_BYTES (256u << 20)

char *
report_pdf_browser(void)
{
    static const char *const names[] = { "chromium", "chromium-browser", "google-chrome" };
    const char *env = getenv("FACEAUDIT_CHROMIUM"), *path = getenv("PATH");
    size_t i;

    if (env != NULL && env[0] != '\0')
        return access(env, X_OK) == 0 ? xstrdup(env) : NULL;
    if (path == NULL)
        path = "/usr/bin:/bin";
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *p = path;

        while (*p != '\0') {
            size_t len = strcspn(p, ":");
            char *cand = xasprintf("%.*s/%s", (int)len, len > 0 ? p : ".", names[i]);

            if (access(cand, X_OK) == 0)
                return cand;
            free(cand);
            p += len;
            if (*p == ':')
                p++;
        }
    }
    return NULL;
}

/* Run argv with output discarded; 0 when it exits 0 within the timeout. */
static int
run_quiet(const char *const argv[], char **cause)
{
    pid_t pid = fork(), w;
    int status = 0, waited = 0;

    if (pid < 0) {
        cause_set(cause, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        union { const char *const *c; char *const *v; } args = { argv };
        int fd = open("/dev/null", O_RDWR);

        if (fd >= 0) {
            dup2(fd, 0);
            dup2(fd, 1);
            dup2(fd, 2);
        }
        setpgid(0, 0);
        execv(argv[0], args.v);
        _exit(127);
    }
    for (;;) {
        struct timespec ts = { 0, 50 * 1000 * 1000 };

        w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            cause_set(cause, "waitpid: %s", strerror(errno));
            return -1;
        }
        if (++waited > PDF_TIMEOUT_S * 20) {
            /* the browser and its helpers are in their own process group */
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            cause_set(cause, "%s did not finish printing within %d s", argv[0],
                PDF_TIMEOUT_S);
            return -1;
        }
        nanosleep(&ts, NULL);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        cause_set(cause, "%s failed (%s %d) printing the report to PDF", argv[0],
            WIFEXITED(status) ? "exit status" : "signal",
            WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        return -1;
    }
    return 0;
}

int
report_pdf_write(const char *html, const char *outpath, char **cause)
{
    char *browser = report_pdf_browser(), *html_path = NULL, *pdf_path = NULL;
    char *profile = NULL, *a_profile = NULL, *a_pdf = NULL, *url = NULL, *pdf = NULL;
    const char *tmpdir = getenv("TMPDIR");
    char *dir;
    size_t len;
    int rc = -1;

    if (browser == NULL) {
        cause_set(cause, "--format pdf prints the HTML report with headless Chromium, which "
            "was not found (install the Debian package chromium, or set FACEAUDIT_CHROMIUM "
            "to its path); or write --format html and print it to PDF from a browser");
        return -1;
    }
    dir = xasprintf("%s/faceaudit-pdf.XXXXXX", tmpdir != NULL && tmpdir[0] != '\0' ?
        tmpdir : "/tmp");
    if (mkdtemp(dir) == NULL) {
        cause_set(cause, "%s: %s", dir, strerror(errno));
        free(dir);
        free(browser);
        return -1;
    }
    html_path = path_join(dir, "report.html");
    pdf_path = path_join(dir, "report.pdf");
    profile = path_join(dir, "profile");
    if (fs_write_atomic(html_path, html, strlen(html), 0600, cause) != 0)
        goto out;
    a_profile = xasprintf("--user-data-dir=%s", profile);
    a_pdf = xasprintf("--print-to-pdf=%s", pdf_path);
    url = xasprintf("file://%s", html_path);
    {
        const char *argv[] = { browser, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--no-pdf-header-footer", a_profile, a_pdf, url, NULL };

        if (run_quiet(argv, cause) != 0)
            goto out;
    }
    if ((pdf = fs_read_file(pdf_path, PDF_MAX_BYTES, &len, cause)) == NULL)
        goto out;
    if (len < 5 || memcmp(pdf, "%PDF-", 5) != 0) {
        cause_set(cause, "%s wrote no PDF", browser);
        goto out;
    }
    rc = fs_write_atomic(outpath, pdf, len, 0644, cause);
out:
    fs_remove_tree(dir, NULL);
    free(pdf);
    free(url);
    free(a_pdf);
    free(a_profile);
    free(profile);
    free(pdf_path);
    free(html_path);
    free(dir);
    free(browser);
    return rc;
}
