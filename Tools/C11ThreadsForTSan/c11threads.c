/*
 * C11 threads (<threads.h>) on top of pthreads, compiled in ThreadSanitizer builds only.
 *
 * Debian's librdkafka starts its threads with glibc's thrd_create and locks with mtx_lock/cnd_wait. Since glibc
 * 2.34 these call glibc's internal pthread functions directly, so ThreadSanitizer, which intercepts only the
 * public pthread_* symbols, never learns about librdkafka's threads: its runtime then crashes on the first
 * intercepted call from one of them (SEGV inside the runtime, "nested bug in the same thread"), and it could not
 * see librdkafka's locks either. Defining the C11 functions here, in the executable, makes the dynamic linker
 * bind librdkafka's references to them, and they call the pthread functions ThreadSanitizer does intercept.
 *
 * In every other build this file is empty: the shipped binaries use glibc's own implementation.
 */
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define C11_THREADS_FOR_TSAN 1
#endif
#endif

#ifdef C11_THREADS_FOR_TSAN
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>

/* glibc lays mtx_t, cnd_t, thrd_t and once_flag out exactly as their pthread counterparts (its own
 * implementation casts between them), which the casts below rely on. */
_Static_assert(sizeof(mtx_t) == sizeof(pthread_mutex_t), "mtx_t is a pthread_mutex_t");
_Static_assert(sizeof(cnd_t) == sizeof(pthread_cond_t), "cnd_t is a pthread_cond_t");
_Static_assert(sizeof(thrd_t) == sizeof(pthread_t), "thrd_t is a pthread_t");
_Static_assert(sizeof(once_flag) == sizeof(pthread_once_t), "once_flag is a pthread_once_t");

static int thrd_result(int error) {
    switch (error) {
    case 0: return thrd_success;
    case ENOMEM: return thrd_nomem;
    case EBUSY: return thrd_busy;
    case ETIMEDOUT: return thrd_timedout;
    default: return thrd_error;
    }
}

struct thread_start {
    thrd_start_t function;
    void *argument;
};

static void *run_thread(void *raw) {
    struct thread_start start = *(struct thread_start *)raw;
    free(raw);
    return (void *)(intptr_t)start.function(start.argument);
}

int thrd_create(thrd_t *thread, thrd_start_t function, void *argument) {
    struct thread_start *start = malloc(sizeof *start);
    if (start == NULL) return thrd_nomem;
    start->function = function;
    start->argument = argument;
    int error = pthread_create((pthread_t *)thread, NULL, run_thread, start);
    if (error != 0) free(start);
    return thrd_result(error);
}

int thrd_join(thrd_t thread, int *result) {
    void *value = NULL;
    int error = pthread_join((pthread_t)thread, &value);
    if (error == 0 && result != NULL) *result = (int)(intptr_t)value;
    return thrd_result(error);
}

int thrd_detach(thrd_t thread) { return thrd_result(pthread_detach((pthread_t)thread)); }

int mtx_init(mtx_t *mutex, int type) {
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    if (type & mtx_recursive) pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE);
    int error = pthread_mutex_init((pthread_mutex_t *)mutex, &attributes);
    pthread_mutexattr_destroy(&attributes);
    return thrd_result(error);
}

int mtx_lock(mtx_t *mutex) { return thrd_result(pthread_mutex_lock((pthread_mutex_t *)mutex)); }
int mtx_trylock(mtx_t *mutex) { return thrd_result(pthread_mutex_trylock((pthread_mutex_t *)mutex)); }
int mtx_timedlock(mtx_t *restrict mutex, const struct timespec *restrict deadline) {
    return thrd_result(pthread_mutex_timedlock((pthread_mutex_t *)mutex, deadline));
}
int mtx_unlock(mtx_t *mutex) { return thrd_result(pthread_mutex_unlock((pthread_mutex_t *)mutex)); }
void mtx_destroy(mtx_t *mutex) { pthread_mutex_destroy((pthread_mutex_t *)mutex); }

int cnd_init(cnd_t *condition) { return thrd_result(pthread_cond_init((pthread_cond_t *)condition, NULL)); }
int cnd_signal(cnd_t *condition) { return thrd_result(pthread_cond_signal((pthread_cond_t *)condition)); }
int cnd_broadcast(cnd_t *condition) { return thrd_result(pthread_cond_broadcast((pthread_cond_t *)condition)); }
int cnd_wait(cnd_t *condition, mtx_t *mutex) {
    return thrd_result(pthread_cond_wait((pthread_cond_t *)condition, (pthread_mutex_t *)mutex));
}
int cnd_timedwait(cnd_t *restrict condition, mtx_t *restrict mutex, const struct timespec *restrict deadline) {
    return thrd_result(pthread_cond_timedwait((pthread_cond_t *)condition, (pthread_mutex_t *)mutex, deadline));
}
void cnd_destroy(cnd_t *condition) { pthread_cond_destroy((pthread_cond_t *)condition); }

void call_once(once_flag *flag, void (*function)(void)) { pthread_once((pthread_once_t *)flag, function); }
#else
/* Not a ThreadSanitizer build: nothing to replace. (A translation unit must declare something.) */
typedef int c11_threads_for_tsan_unused;
#endif
