/* Spare empty pipes for the relay loop's splice(2) path, per env: a connection takes one only while
 * a direction has bulk bytes in flight and gives it back when it drains, so idle connections hold
 * none and busy streams reuse the same few. Also the addon's instance data (it points at the relay
 * loop's state once relayInit ran). */
#ifndef GEODESIC_PIPE_POOL_H
#define GEODESIC_PIPE_POOL_H

#include <stddef.h>

#define PIPE_POOL_MAX 64           /* spare empty pipes kept per env */
#define PIPE_BYTES (1 << 20)       /* asked with F_SETPIPE_SZ; the kernel may give less */

typedef struct pipe_pool_s {
  int pipes[PIPE_POOL_MAX][2];
  int count;
  size_t pipe_bytes;               /* capacity of pooled pipes (F_GETPIPE_SZ of the first) */
  void *relay;                     /* rl_env_t once relayInit ran */
} pipe_pool_t;

int pipe_pool_get(pipe_pool_t *p, int pipe[2]);                /* 0 or -errno */
void pipe_pool_put(pipe_pool_t *p, int pipe[2], size_t in_pipe); /* an empty pipe is kept, else closed */
void pipe_pool_free(pipe_pool_t *p);

#endif
