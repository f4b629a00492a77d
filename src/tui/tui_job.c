/* SPDX-License-Identifier: MIT */
/*
 * tui_job.c - the TUI's one background job (an evaluation): a thread that
 * never touches curses and a pipe that wakes the main loop for progress and
 * for the end, when the finish callback runs on the main thread.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "faceaudit/log.h"
#include "tui_frame.h"

/* Wait for the background job, then run its finish callback on this (the main) thread. */
void
tui_job_join(struct tui *t)
{
    struct tui_job *j = &t->job;

    if (!j->active)
        return;
    pthread_join(j->thread, NULL);
    close(j->pipe[0]);
    close(j->pipe[1]);
    j->active = false;
    if (j->finish != NULL)
        j->finish(t, j->arg);
}

static void *
tui_job_main(void *arg)
{
    struct tui *t = arg;
    char c = 'x';

    t->job.work(t->job.arg);
    atomic_store(&t->job.finished, 1);
    if (write(t->job.pipe[1], &c, 1) < 0) {
        /* the loop also polls with a timeout */
    }
    return NULL;
}

int
tui_job_start(struct tui *t, void *owner, void (*work)(void *arg),
    void (*finish)(struct tui *t, void *arg), void *arg, char **cause)
{
    struct tui_job *j = &t->job;
    int rc;

    if (j->active)
        return cause_set(cause, "another job is still running");
    if (pipe(j->pipe) != 0)
        return cause_set(cause, "pipe: %s", strerror(errno));
    fcntl(j->pipe[0], F_SETFL, O_NONBLOCK);
    fcntl(j->pipe[1], F_SETFL, O_NONBLOCK);
    j->owner = owner;
    j->work = work;
    j->finish = finish;
    j->arg = arg;
    atomic_store(&j->finished, 0);
    j->active = true;
    if ((rc = pthread_create(&j->thread, NULL, tui_job_main, t)) != 0) {
        close(j->pipe[0]);
        close(j->pipe[1]);
        j->active = false;
        return cause_set(cause, "cannot start a thread: %s", strerror(rc));
    }
    return 0;
}

void
tui_job_wake(struct tui *t)
{
    char c = 'p';

    if (t->job.active && write(t->job.pipe[1], &c, 1) < 0) {
        /* a full pipe already wakes the loop */
    }
}

bool
tui_job_running(struct tui *t)
{
    return t->job.active;
}
