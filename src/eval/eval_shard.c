/* SPDX-License-Identifier: MIT */
/*
 * eval_shard.c - `eval --shard auto`: which part of a sharded evaluation
 * this task does, from the environment the scheduler sets. Slurm job
 * arrays (SLURM_ARRAY_TASK_ID, _MIN, _MAX, _COUNT; a stepped or sparse
 * array such as --array=1-7:2 or 1,3,9 is refused, since its task ids do
 * not number the shards 1..N), Kubernetes Indexed Jobs
 * (JOB_COMPLETION_INDEX, 0-based, with --shards N) and GNU parallel
 * (PARALLEL_SEQ, 1-based, with --shards N), in that order.
 */
#include "config.h"

#include "faceaudit/eval.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

/* A non-negative decimal from the environment: 1 when present and valid, 0 absent, -1 bad. */
static int
env_num(const char *(*get)(const char *), const char *name, unsigned long *v, char **cause)
{
    const char *s = get(name);
    char *end;

    if (s == NULL || *s == '\0')
        return 0;
    errno = 0;
    *v = strtoul(s, &end, 10);
    if (*s == '-' || *end != '\0' || errno != 0 || *v > 10000000) {
        cause_set(cause, "--shard auto: %s='%s' is not a task number", name, s);
        return -1;
    }
    return 1;
}

static const char *
std_getenv(const char *name)
{
    return getenv(name);
}

int
eval_shard_auto(const char *(*get)(const char *name), unsigned shards, unsigned *k,
    unsigned *n, const char **source, char **cause)
{
    unsigned long id, mn, mx, count, step, idx;
    int r;

    if (get == NULL)
        get = std_getenv;
    if ((r = env_num(get, "SLURM_ARRAY_TASK_ID", &id, cause)) == -1)
        return -1;
    if (r == 1) {
        if (env_num(get, "SLURM_ARRAY_TASK_MIN", &mn, cause) != 1 ||
            env_num(get, "SLURM_ARRAY_TASK_COUNT", &count, cause) != 1) {
            if (cause != NULL && *cause == NULL)
                cause_set(cause, "--shard auto: SLURM_ARRAY_TASK_ID is set but not "
                    "SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT");
            return -1;
        }
        if ((r = env_num(get, "SLURM_ARRAY_TASK_STEP", &step, cause)) == -1)
            return -1;
        if (r == 1 && step != 1)
            return cause_set(cause, "--shard auto: the Slurm array has step %lu: its task ids "
                "do not number the shards 1..N (submit --array=1-N or 0-(N-1))", step);
        if ((r = env_num(get, "SLURM_ARRAY_TASK_MAX", &mx, cause)) == -1)
            return -1;
        if (r == 1 && (mx < mn || mx - mn + 1 != count))
            return cause_set(cause, "--shard auto: the Slurm array %lu-%lu has %lu tasks: a "
                "stepped or sparse array does not number the shards 1..N (submit "
                "--array=1-N or 0-(N-1))", mn, mx, count);
        if (count < 1 || id < mn || id - mn >= count)
            return cause_set(cause, "--shard auto: SLURM_ARRAY_TASK_ID %lu is outside the "
                "array (min %lu, %lu tasks)", id, mn, count);
        if (shards != 0 && shards != count)
            return cause_set(cause, "--shard auto: --shards %u, but the Slurm array has %lu "
                "tasks", shards, count);
        *k = (unsigned)(id - mn + 1);
        *n = (unsigned)count;
        if (source != NULL)
            *source = "SLURM_ARRAY_TASK_ID";
        return 0;
    }
    if ((r = env_num(get, "JOB_COMPLETION_INDEX", &idx, cause)) == -1)
        return -1;
    if (r == 1) {
        if (shards == 0)
            return cause_set(cause, "--shard auto: JOB_COMPLETION_INDEX needs --shards N "
                "(the Job's completions)");
        if (idx >= shards)
            return cause_set(cause, "--shard auto: JOB_COMPLETION_INDEX %lu is not below "
                "--shards %u", idx, shards);
        *k = (unsigned)idx + 1;
        *n = shards;
        if (source != NULL)
            *source = "JOB_COMPLETION_INDEX";
        return 0;
    }
    if ((r = env_num(get, "PARALLEL_SEQ", &idx, cause)) == -1)
        return -1;
    if (r == 1) {
        if (shards == 0)
            return cause_set(cause, "--shard auto: PARALLEL_SEQ needs --shards N (the number "
                "of inputs given to parallel)");
        if (idx < 1 || idx > shards)
            return cause_set(cause, "--shard auto: PARALLEL_SEQ %lu is not in 1..%u (run one "
                "job per shard: parallel ... ::: $(seq %u))", idx, shards, shards);
        *k = (unsigned)idx;
        *n = shards;
        if (source != NULL)
            *source = "PARALLEL_SEQ";
        return 0;
    }
    return cause_set(cause, "--shard auto: none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX "
        "or PARALLEL_SEQ is set (give --shard K/N)");
}
