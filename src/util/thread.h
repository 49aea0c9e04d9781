// thread.h -- starting a helper thread that takes no signal.
#ifndef TB_THREAD_H
#define TB_THREAD_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>

/** Starts fn(arg) on a new thread with every signal blocked, so that signals reach the thread
 * that installed the handlers (main.c's, which remove the temporary output file). false if no
 * thread could be made: the caller then does the work itself. */
static inline bool tb_thread_start(pthread_t *t, void *(*fn)(void *), void *arg) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  bool ok = pthread_create(t, NULL, fn, arg) == 0;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return ok;
}

#endif
