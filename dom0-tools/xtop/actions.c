/* P and K through xl: see actions.h. */
#include "actions.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int xtop_xl(const char *verb, uint32_t domid, char *msg, size_t len)
{
    char id[16];
    snprintf(id, sizeof(id), "%u", domid);
    int pipefd[2];
    if (pipe(pipefd) < 0) {
        snprintf(msg, len, "pipe: %s", strerror(errno));
        return -errno;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(msg, len, "fork: %s", strerror(errno));
        close(pipefd[0]);
        close(pipefd[1]);
        return -EAGAIN;
    }
    if (pid == 0) {
        /* the screen stays ncurses': xl's output goes to the pipe */
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, 0);
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        execlp("xl", "xl", verb, id, (char *)NULL);
        dprintf(2, "cannot run xl: %s\n", strerror(errno));
        _exit(127);
    }
    close(pipefd[1]);
    char out[512];
    size_t got = 0;
    ssize_t n;
    while ((n = read(pipefd[0], out + got, sizeof(out) - 1 - got)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0 && (got += (size_t)n) == sizeof(out) - 1)
            break;
    close(pipefd[0]);
    out[got] = '\0';
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    char *nl = strchr(out, '\n');
    if (nl)
        *nl = '\0';
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    if (rc == 0 && !out[0])
        snprintf(msg, len, "xl %s %u: done", verb, domid);
    else
        snprintf(msg, len, "xl %s %u: %s", verb, domid, out[0] ? out : "failed");
    return rc;
}
