// thread.h -- helper threads that take no signal, and work run beside the caller on one.
#ifndef TB_THREAD_H
#define TB_THREAD_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>

/** Starts fn(arg) on a new thread with every signal blocked, so that signals reach the thread
 * that installed the handlers (util/output.c's, which remove the temporary output files). false
 * if no thread could be made: the caller then does the work itself. */
static inline bool tb_thread_start(pthread_t *t, void *(*fn)(void *), void *arg) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  bool ok = pthread_create(t, NULL, fn, arg) == 0;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return ok;
}

/** Work run beside the caller: fn(arg) on a thread of its own when `spawn` (and one can be
 * made), else at once on the caller's; tb_task_join waits for it either way. */
typedef struct tb_task {
  pthread_t thread;
  bool threaded;
} tb_task;

static inline void tb_task_run(tb_task *t, void *(*fn)(void *), void *arg, bool spawn) {
  t->threaded = spawn && tb_thread_start(&t->thread, fn, arg);
  if (!t->threaded)
    (void)fn(arg);
}

static inline void tb_task_join(tb_task *t) {
  if (t->threaded)
    pthread_join(t->thread, NULL);
  t->threaded = false;
}

#endif
