#ifndef CLINUX_SHIM_H
#define CLINUX_SHIM_H
/* Linux interfaces the Glibc module does not export, and fixed-arity forms of variadic calls. */
#include <spawn.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <unistd.h>

static inline int clinux_pipe2(int fds[2], int flags) { extern int pipe2(int *, int); return pipe2(fds, flags); }

static inline int clinux_set_pdeathsig(int sig) { return prctl(PR_SET_PDEATHSIG, (unsigned long)sig, 0, 0, 0); }
static inline int clinux_set_child_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0, 0, 0); }
static inline int clinux_set_dumpable(int value) { return prctl(PR_SET_DUMPABLE, (unsigned long)value, 0, 0, 0); }
static inline int clinux_get_dumpable(void) { return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }
static inline int clinux_spawn_closefrom(posix_spawn_file_actions_t *fa, int from) {
    return posix_spawn_file_actions_addclosefrom_np(fa, from);
}
static inline int clinux_fcntl_int(int fd, int cmd, int arg) { return fcntl(fd, cmd, arg); }
static inline int clinux_fcntl(int fd, int cmd) { return fcntl(fd, cmd); }

/* KubeSimulator and the supervisor's HTTP endpoint: accept a connection as a non-blocking, close-on-exec socket (accept4 through syscall(2), so the
   header does not depend on _GNU_SOURCE for accept4's prototype). */
static inline int clinux_accept_nonblocking(int fd) {
    return (int)syscall(SYS_accept4, fd, (void *)0, (void *)0, SOCK_NONBLOCK | SOCK_CLOEXEC);
}
#endif
