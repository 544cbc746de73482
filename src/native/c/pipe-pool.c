/* The pipe pool (pipe-pool.h). */
#include "pipe-pool.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int pipe_pool_get(pipe_pool_t *p, int pipe[2]) {
  if (p->count > 0) {
    p->count--;
    pipe[0] = p->pipes[p->count][0];
    pipe[1] = p->pipes[p->count][1];
    return 0;
  }
  if (pipe2(pipe, O_NONBLOCK | O_CLOEXEC) != 0) { pipe[0] = pipe[1] = -1; return -errno; }
  (void)fcntl(pipe[1], F_SETPIPE_SZ, PIPE_BYTES); /* best effort (pipe-user-pages limits) */
  if (!p->pipe_bytes) {
    int sz = fcntl(pipe[1], F_GETPIPE_SZ);
    p->pipe_bytes = sz > 0 ? (size_t)sz : 65536;
  }
  return 0;
}

void pipe_pool_put(pipe_pool_t *p, int pipe[2], size_t in_pipe) {
  if (pipe[0] < 0) return;
  if (in_pipe == 0 && p->count < PIPE_POOL_MAX) {
    p->pipes[p->count][0] = pipe[0];
    p->pipes[p->count][1] = pipe[1];
    p->count++;
  } else {
    close(pipe[0]);
    close(pipe[1]);
  }
  pipe[0] = pipe[1] = -1;
}

void pipe_pool_free(pipe_pool_t *p) {
  for (int i = 0; i < p->count; i++) { close(p->pipes[i][0]); close(p->pipes[i][1]); }
  free(p);
}
