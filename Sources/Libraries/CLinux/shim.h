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
#include <stdint.h>
#include <stdbool.h>
#include <linux/memfd.h>

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

/* The shared rate-limit page (Platform's SharedWords): memfd_create through syscall(2) (its prototype needs
   _GNU_SOURCE), and sequentially consistent 64-bit atomics on words that several processes map (GCC's __atomic
   builtins, https://gcc.gnu.org/onlinedocs/gcc/_005f_005fatomic-Builtins.html; lock-free for aligned 8-byte words on
   x86-64 and arm64, so they work across processes). */
static inline int clinux_memfd_create_cloexec(const char *name) {
    return (int)syscall(SYS_memfd_create, name, MFD_CLOEXEC);
}
static inline uint64_t clinux_atomic_load(uint64_t *word) { return __atomic_load_n(word, __ATOMIC_SEQ_CST); }
static inline void clinux_atomic_store(uint64_t *word, uint64_t value) { __atomic_store_n(word, value, __ATOMIC_SEQ_CST); }
static inline uint64_t clinux_atomic_add(uint64_t *word, uint64_t value) {
    return __atomic_fetch_add(word, value, __ATOMIC_SEQ_CST);
}
/* Stores `desired` if the word holds `*expected`; otherwise puts the word's value in `*expected`. */
static inline bool clinux_atomic_compare_exchange(uint64_t *word, uint64_t *expected, uint64_t desired) {
    return __atomic_compare_exchange_n(word, expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
#endif
