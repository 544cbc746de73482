/* TCP relay pump: two connected TCP sockets (owned here), bytes moved both ways with splice(2)
 * through a pipe per direction, driven by uv_poll readiness. Pipes are taken from a small per-env
 * pool while a direction has bytes in flight and given back when it is idle, so idle pumps hold
 * no pipes (4 fewer fds each). */
#ifndef GEODESIC_SPLICE_PUMP_H
#define GEODESIC_SPLICE_PUMP_H

#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>
#include <uv.h>
#include <stddef.h>
#include <stdint.h>

#define PUMP_POOL_MAX 64            /* spare empty pipes kept per env */
#define PUMP_PIPE_BYTES (1 << 20)   /* asked with F_SETPIPE_SZ; the kernel may give less */
#define PUMP_STEPS 8                /* splice rounds per direction per wakeup (fairness) */

/* Why a pump ended (the completion callback's first argument). */
enum pump_end { PUMP_CLOSED = 0, PUMP_IDLE = 1, PUMP_CLIENT_ERROR = 2, PUMP_UPSTREAM_ERROR = 3,
                PUMP_ABORTED = 4, PUMP_LOCAL_ERROR = 5 };

typedef struct pump_env_s {
  int pipes[PUMP_POOL_MAX][2];
  int count;
  size_t pipe_bytes;                /* capacity of pooled pipes (F_GETPIPE_SZ of the first) */
  double pumps_open;
} pump_env_t;

typedef struct pump_dir_s {
  int src, dst;                     /* 0 = client, 1 = upstream */
  int pipe[2];                      /* -1 while none is held */
  size_t in_pipe;
  uint8_t *head;                    /* bytes from JS sent before any spliced byte */
  size_t head_len, head_off;
  int eof, shut;
  double bytes;                     /* bytes delivered to dst by splice (head not counted) */
} pump_dir_t;

typedef struct pump_s {
  napi_env env;
  pump_env_t *penv;
  int fd[2];
  uv_poll_t poll[2];
  int events[2];
  uv_timer_t timer;
  uint64_t idle_ms, last_active;
  pump_dir_t d[2];                  /* d[0]: client -> upstream, d[1]: upstream -> client */
  int open_handles, closing, teardown, external_gone, freed_fds;
  int end, err;
  napi_ref on_done, resource;
  napi_async_context actx;
  napi_async_cleanup_hook_handle cleanup;
} pump_t;

/* splice-pump.c */
int pump_start(pump_t *p);          /* 0 or a negative uv error; on error nothing was started */
void pump_finish(pump_t *p, int end, int err);
void pump_maybe_free(pump_t *p);
void pump_env_free(pump_env_t *e);

/* addon.c: a thrown Error with code (EMFILE...) and syscall; an object of numeric counters */
napi_value throw_errno(napi_env env, int err, const char *syscall);
napi_value counters(napi_env env, const char *const *keys, const double *values, int n);

/* splice-addon.c: the completion callback into JavaScript */
void pump_call_done(pump_t *p);
napi_status splice_register(napi_env env, napi_value exports);

#endif
