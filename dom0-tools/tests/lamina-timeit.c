/*
 * lamina-timeit LABEL COMMAND [ARG...]: runs COMMAND, then prints
 *   workload LABEL: <seconds> s (exit <status>) cpu <seconds> s
 * with CLOCK_MONOTONIC wall time (busybox's date and time have no sub-second
 * resolution worth having) and the CPU time (user + system) COMMAND used.
 * COMMAND's own output passes through.
 */
#define _GNU_SOURCE
#include "xentest.h"

#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: lamina-timeit LABEL COMMAND [ARG...]\n");
        return 2;
    }
    uint64_t t0 = xt_now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    int status = 0;
    struct rusage ru = { 0 };
    while (wait4(pid, &status, 0, &ru) < 0)
        ;
    uint64_t t1 = xt_now_ns();
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
                 (double)ru.ru_stime.tv_usec / 1e6;
    printf("workload %s: %.3f s (exit %d) cpu %.3f s\n", argv[1], (double)(t1 - t0) / 1e9, rc, cpu);
    return rc;
}
