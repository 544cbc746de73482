/* The TCP relay's connection loop in C: listening sockets, accept, ClientHello peek (MSG_PEEK),
 * non-blocking connect and the byte pump, all on one edge-triggered epoll instance that libuv
 * watches through a single uv_poll. JavaScript sees a batch of events per wakeup (accept, data
 * peeked, hello timeout, connected, connect failed, closed) and answers with synchronous calls
 * (connect, consume, close); it never holds a socket. */
#ifndef GEODESIC_RELAY_LOOP_H
#define GEODESIC_RELAY_LOOP_H

#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>
#include <uv.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define RL_SCRATCH 16384          /* copy-mode read size; a read that fills it switches to splice */
#define RL_EPOLL_EVENTS 256
#define RL_STEPS 16               /* read/write rounds per direction per turn (fairness) */
#define RL_EV_FIELDS 8            /* doubles per event record */
#define RL_EV_MAX 512             /* event records handed to JS per call */
#define RL_DATA_BYTES (1 << 20)   /* peeked bytes handed to JS per call */

enum rl_event { RL_EV_ACCEPT = 1, RL_EV_DATA = 2, RL_EV_TIMEOUT = 3, RL_EV_CONNECTED = 4,
                RL_EV_CONNECT_FAILED = 5, RL_EV_CLOSED = 6, RL_EV_UDP_ERROR = 7 };
/* How a connection ended (RL_EV_CLOSED's first argument); same order as the splice pump's. */
enum rl_end { RL_CLOSED = 0, RL_IDLE = 1, RL_CLIENT_ERROR = 2, RL_UPSTREAM_ERROR = 3, RL_ABORTED = 4,
              RL_LOCAL_ERROR = 5, RL_TOTAL = 6 };
enum rl_state { RL_ST_FREE = 0, RL_ST_HOLD, RL_ST_PEEK, RL_ST_CONNECTING, RL_ST_PUMP };

/* listener flags (relayListenerSet) */
#define RL_F_ACCEPT_EVENTS 1      /* tell JS at accept (address checks, trusted PROXY sources, no peek) */
#define RL_F_NODELAY 2

typedef struct rl_dir_s {
  uint8_t *buf;                   /* bytes waiting for dst: PROXY header, or what a short write left */
  size_t len, off;
  int pipe[2];
  size_t in_pipe;
  uint8_t splice, eof, shut;
  double bytes;                   /* bytes delivered to dst (buf head bytes from JS not counted) */
  size_t uncounted;               /* leading bytes of buf that are not counted (head from JS) */
} rl_dir_t;

struct rl_listener_s;

typedef struct rl_conn_s {
  struct rl_env_s *env;
  struct rl_listener_s *l;
  uint32_t slot, gen;
  int fd[2];                      /* 0 client, 1 upstream (-1 none) */
  uint8_t state, rd[2], wr[2], rdhup[2], fresh, queued, surfaced, timer_on;
  rl_dir_t d[2];                  /* d[0] client -> upstream, d[1] upstream -> client */
  struct sockaddr_storage peer;
  socklen_t peer_len;
  uint64_t hello_at, connect_at, total_at, idle_ms, last_active;
  int keepalive_s;
  uv_timer_t timer;
} rl_conn_t;

/* A UDP session (relay-udp.c): a connected socket to its upstream. The client's datagrams reach it
 * from the listener's batch loop in C (found by client address in the group's table) or from JS
 * (relayUdpSend, before the session was in the table); the upstream's replies go straight back to
 * the client through the group's (the UDP listener's) socket. */
typedef struct rl_udp_s {
  uint32_t slot, gen, group;
  uint32_t hash, next;            /* the group's client table: hash of client; slot + 1 of the next in its bucket */
  int fd;
  struct sockaddr_storage client;
  socklen_t client_len;
  uint8_t *head;                  /* PROXY v2 header put before every datagram sent upstream */
  size_t head_len;
  double bytes_up, bytes_down;    /* bytes_up: what C forwarded (relayUdpSend's bytes are JS's to count) */
  uint64_t last_active;           /* loop time of the last datagram either way */
  int error_told;
} rl_udp_t;

typedef struct rl_listener_s {
  struct rl_env_s *env;
  uint32_t id;
  int fd;
  int flags;
  uint64_t hello_ms;
  size_t peek_max;
  uint32_t open;                  /* connections not yet closed */
  double accepted, accept_errors;
  int stopped, paused;
  /* a UDP group (relayUdpGroup): its sessions by client address, chained hash table */
  uint32_t *buckets, nbuckets, nsessions;
  double up, up_drops, down, down_drops; /* datagrams forwarded by C each way, and dropped */
} rl_listener_t;

typedef struct rl_env_s {
  napi_env env;
  uv_loop_t *loop;
  int epfd;
  uv_poll_t poll;
  uv_idle_t idle;                 /* runs pending connections without blocking in epoll */
  uv_timer_t flush_timer;         /* flushes events queued outside a wakeup (JS close calls) */
  uv_timer_t accept_timer;        /* resumes listeners paused by EMFILE and the like */
  int ref_on, idle_on, flush_on, in_pass, in_js, closing, open_handles;
  rl_conn_t **slots;
  uint32_t nslots, nfree, *free, gen;
  uint32_t conns, active_listeners;
  rl_listener_t **listeners;
  uint32_t nlisteners;
  rl_udp_t **uslots;              /* UDP sessions (upstream sockets) */
  uint32_t nuslots, nufree, *ufree;
  void *udp_out;                  /* relay-udp.c: replies gathered for one sendmmsg (allocated on first use) */
  uint64_t *pend;                 /* (gen << 32 | slot) of connections with work left */
  size_t npend, pendcap;
  double *queue;                  /* events not yet handed to JS */
  size_t qlen, qcap;
  double *ev;                     /* shared with JS (Float64Array) */
  uint8_t *data;                  /* shared with JS (Uint8Array): peeked bytes */
  size_t data_used;
  uint8_t scratch[RL_SCRATCH];
  napi_ref on_batch, resource, ev_ref, data_ref;
  napi_async_context actx;
  napi_async_cleanup_hook_handle cleanup;
  void *pipes;                    /* the pipe pool (pipe_pool_t, the addon's instance data) */
} rl_env_t;

napi_status relay_register(napi_env env, napi_value exports); /* also sets the instance data */

#define RL_ID_SPAN 16777216.0     /* id = gen * RL_ID_SPAN + slot */
#define RL_UDP_TAG (1ULL << 62)   /* epoll data of a UDP session's socket */

/* relay-loop.c, for relay-udp.c */
rl_env_t *rl_get_env(napi_env env); /* throws when relayInit has not run */
void rl_queue_event(rl_env_t *e, double kind, double id, double a, double b, double c, double d, double f, double g);

/* relay-udp.c */
napi_status relay_udp_register(napi_env env, napi_value exports);
void rl_udp_readable(rl_env_t *e, rl_udp_t *u); /* the upstream sent: gather the replies */
void rl_udp_flush(rl_env_t *e);                 /* send the gathered replies */
void rl_udp_cleanup(rl_env_t *e);               /* env teardown: close every session */
/* For the listener's batch loop (udp-loop.c): the relay state of this env, or NULL; then, per
 * datagram, 1 when a session of `group` has this client (the datagram went to its upstream, or was
 * dropped and counted), 0 when JavaScript must decide. */
void *relay_udp_env(napi_env env);
int relay_udp_forward(void *relay, uint32_t group, const struct sockaddr_storage *peer, const uint8_t *data, size_t len);

/* addon.c: a thrown Error with code (EMFILE...) and syscall; an object of numeric counters */
napi_value throw_errno(napi_env env, int err, const char *syscall);
napi_value counters(napi_env env, const char *const *keys, const double *values, int n);
/* addon.c: an array of n numbers */
napi_value numbers(napi_env env, const double *values, int n);

#endif
