/* The relay's TCP connection loop (see relay-loop.h). One epoll instance per env, edge-triggered
 * for connections (each fd added once, with EPOLLIN|EPOLLOUT|EPOLLRDHUP, never modified) and
 * level-triggered for listening sockets. Per connection:
 *   accept4 -> [ACCEPT event; JS: relayPeek / relayConnect / relayClose]
 *   PEEK: recv(MSG_PEEK) on every new edge -> DATA event; JS parses the PROXY header (relayConsume)
 *         and the ClientHello, then relayConnect or relayClose; the peeked bytes stay in the kernel
 *   CONNECTING: socket + non-blocking connect; EPOLLOUT + SO_ERROR -> CONNECTED or CONNECT_FAILED
 *   PUMP: PROXY header (head) first, then both directions: recv/send through a shared 16 KiB
 *         buffer, switching a direction to splice(2) through a pipe once a read fills the buffer
 *         (bulk); FIN passed on with shutdown(SHUT_WR); both FINs passed -> CLOSED.
 * Deadlines (hello, connect, idle, total) use one uv_timer per connection. Events are queued in C
 * and handed to JS in batches once per wakeup (onBatch(count) over a shared Float64Array). */
#include "relay-loop.h"
#include "pipe-pool.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/uio.h>
#include <unistd.h>

#define SPLICE_FLAGS (SPLICE_F_MOVE | SPLICE_F_NONBLOCK)
#define LISTENER_TAG (1ULL << 63)
#define CONN_EVENTS (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET)
#define ID_SPAN RL_ID_SPAN

static void flush(rl_env_t *e);
static void run_pending(rl_env_t *e);
static void conn_run(rl_conn_t *c);
static void arm_timer(rl_conn_t *c);
static void on_idle(uv_idle_t *h);
static void on_flush_timer(uv_timer_t *t);

/* ---- events and pending work ------------------------------------------------------------- */

static double conn_id(const rl_conn_t *c) { return (double)c->gen * ID_SPAN + (double)c->slot; }

static void schedule_flush(rl_env_t *e) {
  if (e->in_pass || e->in_js || e->flush_on || e->closing) return;
  e->flush_on = 1;
  uv_timer_start(&e->flush_timer, on_flush_timer, 0, 0);
}

void rl_queue_event(rl_env_t *e, double kind, double id, double a, double b, double c, double d,
                    double f, double g) {
  if (e->qlen == e->qcap) {
    size_t cap = e->qcap ? e->qcap * 2 : 256;
    double *q = realloc(e->queue, cap * RL_EV_FIELDS * sizeof(double));
    if (!q) return; /* out of memory: the event is lost, the connection still ends in C */
    e->queue = q;
    e->qcap = cap;
  }
  double *r = e->queue + e->qlen * RL_EV_FIELDS;
  r[0] = kind; r[1] = id; r[2] = a; r[3] = b; r[4] = c; r[5] = d; r[6] = f; r[7] = g;
  e->qlen++;
  schedule_flush(e);
}

#define queue_event rl_queue_event

static void queue_pending(rl_conn_t *c) {
  rl_env_t *e = c->env;
  if (c->queued) return;
  if (e->npend == e->pendcap) {
    size_t cap = e->pendcap ? e->pendcap * 2 : 64;
    uint64_t *p = realloc(e->pend, cap * sizeof(uint64_t));
    if (!p) return;
    e->pend = p;
    e->pendcap = cap;
  }
  c->queued = 1;
  e->pend[e->npend++] = ((uint64_t)c->gen << 32) | c->slot;
  if (!e->idle_on && !e->in_pass && !e->closing) {
    e->idle_on = 1;
    uv_idle_start(&e->idle, on_idle);
  }
}

static rl_conn_t *conn_at(rl_env_t *e, uint32_t slot, uint32_t gen) {
  if (slot >= e->nslots) return NULL;
  rl_conn_t *c = e->slots[slot];
  return c && c->gen == gen ? c : NULL;
}

static rl_conn_t *conn_by_id(rl_env_t *e, double id) {
  if (!(id >= 0)) return NULL;
  double gen = (double)(uint64_t)(id / ID_SPAN);
  return conn_at(e, (uint32_t)(id - gen * ID_SPAN), (uint32_t)gen);
}

static void update_ref(rl_env_t *e) {
  int want = e->conns > 0 || e->active_listeners > 0;
  if (want == e->ref_on) return;
  e->ref_on = want;
  if (want) uv_ref((uv_handle_t *)&e->poll);
  else uv_unref((uv_handle_t *)&e->poll);
}

/* ---- ending a connection ----------------------------------------------------------------- */

static void free_conn(uv_handle_t *h) { free(h->data); }

static void close_dir(rl_env_t *e, rl_dir_t *d) {
  if (d->pipe[0] >= 0) {
    if (e->closing) { close(d->pipe[0]); close(d->pipe[1]); d->pipe[0] = d->pipe[1] = -1; }
    else pipe_pool_put((pipe_pool_t *)e->pipes, d->pipe, d->in_pipe);
  }
  d->in_pipe = 0;
  free(d->buf);
  d->buf = NULL;
  d->len = d->off = 0;
}

static void finish(rl_conn_t *c, int end, int err) {
  rl_env_t *e = c->env;
  if (c->state == RL_ST_FREE) return;
  for (int i = 0; i < 2; i++) {
    if (c->fd[i] >= 0) close(c->fd[i]); /* also takes it out of the epoll set */
    c->fd[i] = -1;
    close_dir(e, &c->d[i]);
  }
  if (!e->closing)
    queue_event(e, RL_EV_CLOSED, conn_id(c), c->l->id, end, err, c->d[0].bytes, c->d[1].bytes, c->surfaced);
  c->state = RL_ST_FREE;
  e->slots[c->slot] = NULL;
  e->free[e->nfree++] = c->slot;
  c->l->open--;
  e->conns--;
  update_ref(e);
  uv_close((uv_handle_t *)&c->timer, free_conn);
}

static void fail(rl_conn_t *c, int side, int err) {
  finish(c, side == 0 ? RL_CLIENT_ERROR : RL_UPSTREAM_ERROR, err);
}

static int socket_error(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

/* ---- timers ------------------------------------------------------------------------------ */

static void on_conn_timer(uv_timer_t *t) {
  rl_conn_t *c = (rl_conn_t *)t->data;
  rl_env_t *e = c->env;
  uint64_t now = uv_now(e->loop);
  if (c->state == RL_ST_FREE) return;
  if (c->total_at && now >= c->total_at) { finish(c, RL_TOTAL, 0); return; }
  switch (c->state) {
  case RL_ST_HOLD:
  case RL_ST_PEEK:
    if (c->hello_at && now >= c->hello_at) {
      c->hello_at = 0;
      c->surfaced = 1;
      queue_event(e, RL_EV_TIMEOUT, conn_id(c), c->l->id, 0, 0, 0, 0, 0);
    }
    break;
  case RL_ST_CONNECTING:
    if (c->connect_at && now >= c->connect_at) {
      close(c->fd[1]);
      c->fd[1] = -1;
      c->rd[1] = c->wr[1] = c->rdhup[1] = 0;
      c->connect_at = 0;
      c->state = RL_ST_HOLD;
      queue_event(e, RL_EV_CONNECT_FAILED, conn_id(c), c->l->id, ETIMEDOUT, 0, 0, 0, 0);
    }
    break;
  case RL_ST_PUMP:
    if (c->idle_ms && now - c->last_active >= c->idle_ms) { finish(c, RL_IDLE, 0); return; }
    break;
  }
  arm_timer(c);
}

/* (Re)starts the connection's timer for its nearest deadline; lazily for idle (checked on fire). */
static void arm_timer(rl_conn_t *c) {
  uint64_t now = uv_now(c->env->loop), at = 0;
  uint64_t cand[3] = { c->total_at, 0, 0 };
  if (c->state == RL_ST_HOLD || c->state == RL_ST_PEEK) cand[1] = c->hello_at;
  else if (c->state == RL_ST_CONNECTING) cand[1] = c->connect_at;
  else if (c->state == RL_ST_PUMP && c->idle_ms) cand[1] = c->last_active + c->idle_ms;
  for (int i = 0; i < 3; i++) if (cand[i] && (!at || cand[i] < at)) at = cand[i];
  if (!at) {
    if (c->timer_on) { uv_timer_stop(&c->timer); c->timer_on = 0; }
    return;
  }
  c->timer_on = 1;
  uv_timer_start(&c->timer, on_conn_timer, at > now ? at - now : 0, 0);
}

/* ---- the pump ---------------------------------------------------------------------------- */

/* Moves what it can from side s to the other; -1 = the connection ended, 1 = stopped by the
 * round limit (run again), 0 = waiting for readiness. */
static int dir_run(rl_conn_t *c, int s) {
  rl_env_t *e = c->env;
  rl_dir_t *d = &c->d[s];
  pipe_pool_t *pe = (pipe_pool_t *)e->pipes;
  int t = 1 - s, src = c->fd[s], dst = c->fd[t];
  for (int i = 0; i < RL_STEPS; i++) {
    ssize_t n;
    if (d->off < d->len) {
      if (!c->wr[t]) return 0;
      n = send(dst, d->buf + d->off, d->len - d->off, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        size_t counted = (size_t)n;
        if (d->uncounted) {
          size_t u = d->uncounted < counted ? d->uncounted : counted;
          d->uncounted -= u;
          counted -= u;
        }
        d->bytes += (double)counted;
        d->off += (size_t)n;
        c->last_active = uv_now(e->loop);
        if (d->off == d->len) { free(d->buf); d->buf = NULL; d->off = d->len = 0; }
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) { c->wr[t] = 0; return 0; }
      fail(c, t, n < 0 ? errno : EIO);
      return -1;
    }
    if (d->in_pipe > 0) {
      if (!c->wr[t]) return 0;
      n = splice(d->pipe[0], NULL, dst, NULL, d->in_pipe, SPLICE_FLAGS);
      if (n > 0) { d->in_pipe -= (size_t)n; d->bytes += (double)n; c->last_active = uv_now(e->loop); continue; }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) { c->wr[t] = 0; return 0; }
      fail(c, t, n < 0 ? errno : EIO);
      return -1;
    }
    if (d->eof) {
      if (!d->shut) {
        d->shut = 1;
        if (d->pipe[0] >= 0) pipe_pool_put(pe, d->pipe, 0);
        /* the other way already ended: close() both now sends this FIN too (one syscall less) */
        if (c->d[t].shut) { finish(c, RL_CLOSED, 0); return -1; }
        if (shutdown(dst, SHUT_WR) != 0 && errno != ENOTCONN) { fail(c, t, errno); return -1; }
      }
      return 0;
    }
    if (!c->rd[s]) return 0;
    if (!d->splice) {
      n = recv(src, e->scratch, RL_SCRATCH, 0);
      if (n > 0) {
        if ((size_t)n == RL_SCRATCH) d->splice = 1; /* bulk: splice from now on */
        else if (!c->rdhup[s]) c->rd[s] = 0;       /* a short read drained the socket */
        c->last_active = uv_now(e->loop);
        ssize_t m = -1;
        if (c->wr[t]) {
          do m = send(dst, e->scratch, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT); while (m < 0 && errno == EINTR);
          if (m < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { fail(c, t, errno); return -1; }
        }
        if (m == n) { d->bytes += (double)n; continue; }
        if (m < 0) { m = 0; c->wr[t] = 0; }
        d->bytes += (double)m;
        d->buf = malloc((size_t)(n - m));
        if (!d->buf) { finish(c, RL_LOCAL_ERROR, ENOMEM); return -1; }
        memcpy(d->buf, e->scratch + m, (size_t)(n - m));
        d->len = (size_t)(n - m);
        d->off = 0;
        continue;
      }
      if (n == 0) { d->eof = 1; continue; }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) { c->rd[s] = 0; return 0; }
      fail(c, s, errno);
      return -1;
    }
    if (d->pipe[0] < 0) {
      int r = pipe_pool_get(pe, d->pipe);
      if (r < 0) { finish(c, RL_LOCAL_ERROR, -r); return -1; }
    }
    n = splice(src, NULL, d->pipe[1], NULL, pe->pipe_bytes, SPLICE_FLAGS);
    if (n > 0) { d->in_pipe += (size_t)n; c->last_active = uv_now(e->loop); continue; }
    if (n == 0) { d->eof = 1; continue; }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) { c->rd[s] = 0; pipe_pool_put(pe, d->pipe, 0); return 0; }
    fail(c, s, errno);
    return -1;
  }
  return 1;
}

static void pump(rl_conn_t *c) {
  int more = 0;
  for (int s = 0; s < 2; s++) {
    int r = dir_run(c, s);
    if (r < 0) return;
    more |= r;
  }
  if (c->d[0].shut && c->d[1].shut) { finish(c, RL_CLOSED, 0); return; }
  if (more) queue_pending(c);
}

/* ---- peek and connect -------------------------------------------------------------------- */

static void peek(rl_conn_t *c) {
  rl_env_t *e = c->env;
  size_t want = c->l->peek_max;
  c->fresh = 0;
  if (e->data_used + want > RL_DATA_BYTES) {
    if (e->in_js) { c->fresh = 1; queue_pending(c); return; } /* after this batch */
    uint32_t slot = c->slot, gen = c->gen;
    flush(e);
    if (!conn_at(e, slot, gen) || c->state != RL_ST_PEEK) return;
  }
  ssize_t n;
  do n = recv(c->fd[0], e->data + e->data_used, want, MSG_PEEK); while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    fail(c, 0, errno);
    return;
  }
  c->surfaced = 1;
  queue_event(e, RL_EV_DATA, conn_id(c), c->l->id, (double)e->data_used, (double)n, n == 0 || c->rdhup[0], 0, 0);
  e->data_used += (size_t)n;
}

static void connected(rl_conn_t *c) {
  c->state = RL_ST_PUMP;
  c->connect_at = 0;
  c->last_active = uv_now(c->env->loop);
  queue_event(c->env, RL_EV_CONNECTED, conn_id(c), c->l->id, 0, 0, 0, 0, 0);
  arm_timer(c);
  pump(c);
}

static void check_connect(rl_conn_t *c) {
  int err = socket_error(c->fd[1]);
  if (err == 0 && !c->wr[1]) return;
  if (err == 0) { connected(c); return; }
  close(c->fd[1]);
  c->fd[1] = -1;
  c->rd[1] = c->wr[1] = c->rdhup[1] = 0;
  c->connect_at = 0;
  c->state = RL_ST_HOLD;
  queue_event(c->env, RL_EV_CONNECT_FAILED, conn_id(c), c->l->id, err, 0, 0, 0, 0);
  arm_timer(c);
}

static void conn_run(rl_conn_t *c) {
  switch (c->state) {
  case RL_ST_PEEK:
    if (c->fresh) peek(c);
    break;
  case RL_ST_CONNECTING:
    if (c->wr[1] || c->rd[1]) check_connect(c);
    break;
  case RL_ST_PUMP:
    pump(c);
    break;
  default:
    break;
  }
}

/* ---- accept ------------------------------------------------------------------------------ */

static int grow_slots(rl_env_t *e) {
  uint32_t n = e->nslots ? e->nslots * 2 : 1024;
  rl_conn_t **s = realloc(e->slots, n * sizeof *s);
  if (!s) return -1;
  e->slots = s;
  uint32_t *f = realloc(e->free, n * sizeof *f);
  if (!f) return -1;
  e->free = f;
  for (uint32_t i = n; i > e->nslots; i--) { e->slots[i - 1] = NULL; e->free[e->nfree++] = i - 1; }
  e->nslots = n;
  return 0;
}

static void on_accept_pause(uv_timer_t *t) {
  rl_env_t *e = (rl_env_t *)t->data;
  for (uint32_t i = 0; i < e->nlisteners; i++) {
    rl_listener_t *l = e->listeners[i];
    if (l && !l->stopped && l->paused) {
      struct epoll_event ev = { .events = EPOLLIN, .data.u64 = LISTENER_TAG | l->id };
      epoll_ctl(e->epfd, EPOLL_CTL_MOD, l->fd, &ev);
      l->paused = 0;
    }
  }
}

static void do_accept(rl_listener_t *l) {
  rl_env_t *e = l->env;
  for (int i = 0; i < 64 && !l->stopped; i++) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int fd = accept4(l->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      /* EMFILE, ENFILE, ENOBUFS...: stop polling this listener for 100 ms (no busy loop) */
      struct epoll_event ev = { .events = 0, .data.u64 = LISTENER_TAG | l->id };
      epoll_ctl(e->epfd, EPOLL_CTL_MOD, l->fd, &ev);
      l->paused = 1;
      l->accept_errors++;
      uv_timer_start(&e->accept_timer, on_accept_pause, 100, 0);
      return;
    }
    if (e->nfree == 0 && grow_slots(e) != 0) { close(fd); return; }
    rl_conn_t *c = calloc(1, sizeof *c);
    if (!c) { close(fd); return; }
    if (l->flags & RL_F_NODELAY) {
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    c->env = e;
    c->l = l;
    c->slot = e->free[--e->nfree];
    c->gen = ++e->gen;
    c->fd[0] = fd;
    c->fd[1] = -1;
    for (int k = 0; k < 2; k++) c->d[k].pipe[0] = c->d[k].pipe[1] = -1;
    memcpy(&c->peer, &ss, len);
    c->peer_len = len;
    struct epoll_event ev = { .events = CONN_EVENTS, .data.u64 = ((uint64_t)c->gen << 32) | ((uint64_t)c->slot << 1) };
    if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) { close(fd); e->free[e->nfree++] = c->slot; free(c); continue; }
    e->slots[c->slot] = c;
    uv_timer_init(e->loop, &c->timer);
    uv_unref((uv_handle_t *)&c->timer);
    c->timer.data = c;
    l->open++;
    l->accepted++;
    e->conns++;
    update_ref(e);
    if (l->hello_ms) c->hello_at = uv_now(e->loop) + l->hello_ms;
    if (l->flags & RL_F_ACCEPT_EVENTS) {
      c->state = RL_ST_HOLD;
      c->surfaced = 1;
      queue_event(e, RL_EV_ACCEPT, conn_id(c), l->id, 0, 0, 0, 0, 0);
    } else {
      c->state = RL_ST_PEEK;
    }
    arm_timer(c);
  }
}

/* ---- the wakeup ---------------------------------------------------------------------------- */

static void dispatch(rl_env_t *e, const struct epoll_event *ev) {
  uint64_t tag = ev->data.u64;
  if (tag & RL_UDP_TAG) {
    uint32_t slot = (uint32_t)tag & 0x3fffffffu, gen = (uint32_t)((tag >> 32) & 0x3fffffffu);
    if (slot < e->nuslots && e->uslots[slot] && e->uslots[slot]->gen == gen) rl_udp_readable(e, e->uslots[slot]);
    return;
  }
  if (tag & LISTENER_TAG) {
    uint32_t id = (uint32_t)tag;
    if (id < e->nlisteners && e->listeners[id] && !e->listeners[id]->stopped) do_accept(e->listeners[id]);
    return;
  }
  rl_conn_t *c = conn_at(e, (uint32_t)(tag & 0xffffffffu) >> 1, (uint32_t)(tag >> 32));
  if (!c) return;
  int side = (int)(tag & 1);
  uint32_t x = ev->events;
  if (x & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
    c->rd[side] = 1;
    if (side == 0) c->fresh = 1;
  }
  if (x & (EPOLLRDHUP | EPOLLHUP)) c->rdhup[side] = 1;
  if (x & (EPOLLOUT | EPOLLHUP | EPOLLERR)) c->wr[side] = 1;
  if (side == 0 && (x & EPOLLERR) && c->state != RL_ST_PUMP) { fail(c, 0, socket_error(c->fd[0])); return; }
  conn_run(c);
}

static void run_pending(rl_env_t *e) {
  size_t n = e->npend;
  if (n == 0) return;
  uint64_t *list = malloc(n * sizeof *list);
  if (!list) return;
  memcpy(list, e->pend, n * sizeof *list);
  e->npend = 0;
  for (size_t i = 0; i < n; i++) {
    rl_conn_t *c = conn_at(e, (uint32_t)list[i], (uint32_t)(list[i] >> 32));
    if (!c) continue;
    c->queued = 0;
    conn_run(c);
  }
  free(list);
}

/* Hands queued events to JS, RL_EV_MAX at a time, until none is left (JS calls may add more). */
static void flush(rl_env_t *e) {
  size_t head = 0;
  if (e->in_js || e->closing) return;
  while (head < e->qlen) {
    size_t n = e->qlen - head;
    if (n > RL_EV_MAX) n = RL_EV_MAX;
    memcpy(e->ev, e->queue + head * RL_EV_FIELDS, n * RL_EV_FIELDS * sizeof(double));
    head += n;
    napi_handle_scope scope;
    napi_value cb, recv, argv[1], result;
    if (napi_open_handle_scope(e->env, &scope) != napi_ok) break;
    napi_get_reference_value(e->env, e->on_batch, &cb);
    napi_get_reference_value(e->env, e->resource, &recv);
    napi_create_uint32(e->env, (uint32_t)n, &argv[0]);
    e->in_js = 1;
    napi_status st = napi_make_callback(e->env, e->actx, recv, cb, 1, argv, &result);
    e->in_js = 0;
    if (st != napi_ok) {
      bool pending = false;
      napi_is_exception_pending(e->env, &pending);
      if (pending) {
        napi_value ex;
        napi_get_and_clear_last_exception(e->env, &ex);
        napi_fatal_exception(e->env, ex);
      }
    }
    napi_close_handle_scope(e->env, scope);
  }
  e->qlen = 0;
  e->data_used = 0;
}

static void settle(rl_env_t *e) {
  for (int round = 0; round < 4; round++) {
    flush(e);
    if (e->npend == 0) break;
    e->in_pass = 1;
    run_pending(e);
    e->in_pass = 0;
  }
  flush(e);
  if (e->npend > 0 && !e->idle_on && !e->closing) { e->idle_on = 1; uv_idle_start(&e->idle, on_idle); }
}

static void on_epoll(uv_poll_t *h, int status, int events) {
  rl_env_t *e = (rl_env_t *)h->data;
  struct epoll_event evs[RL_EPOLL_EVENTS];
  (void)status; (void)events;
  if (e->closing) return;
  e->in_pass = 1;
  for (int round = 0; round < 4; round++) {
    int n = epoll_wait(e->epfd, evs, RL_EPOLL_EVENTS, 0);
    for (int i = 0; i < n; i++) dispatch(e, &evs[i]);
    rl_udp_flush(e); /* the UDP replies gathered in this round, in one sendmmsg per group */
    if (n < RL_EPOLL_EVENTS) break;
  }
  run_pending(e);
  e->in_pass = 0;
  settle(e);
}

static void on_idle(uv_idle_t *h) {
  rl_env_t *e = (rl_env_t *)h->data;
  e->idle_on = 0;
  uv_idle_stop(h);
  e->in_pass = 1;
  run_pending(e);
  e->in_pass = 0;
  settle(e);
}

static void on_flush_timer(uv_timer_t *t) {
  rl_env_t *e = (rl_env_t *)t->data;
  e->flush_on = 0;
  settle(e);
}

/* ---- environment ------------------------------------------------------------------------- */

static void env_handle_closed(uv_handle_t *h) {
  rl_env_t *e = (rl_env_t *)h->data;
  if (--e->open_handles > 0) return;
  if (e->cleanup) napi_remove_async_cleanup_hook(e->cleanup);
  for (uint32_t i = 0; i < e->nlisteners; i++) free(e->listeners[i]);
  free(e->listeners);
  free(e->slots);
  free(e->free);
  free(e->queue);
  free(e->pend);
  free(e->uslots);
  free(e->ufree);
  free(e->udp_out);
  free(e);
}

static void on_env_cleanup(napi_async_cleanup_hook_handle handle, void *arg) {
  rl_env_t *e = (rl_env_t *)arg;
  (void)handle;
  e->closing = 1;
  for (uint32_t i = 0; i < e->nslots; i++) if (e->slots[i]) finish(e->slots[i], RL_ABORTED, 0);
  rl_udp_cleanup(e);
  for (uint32_t i = 0; i < e->nlisteners; i++) {
    rl_listener_t *l = e->listeners[i];
    if (l && l->fd >= 0) { close(l->fd); l->fd = -1; }
  }
  napi_delete_reference(e->env, e->on_batch);
  napi_delete_reference(e->env, e->resource);
  napi_delete_reference(e->env, e->ev_ref);
  napi_delete_reference(e->env, e->data_ref);
  napi_async_destroy(e->env, e->actx);
  e->open_handles = 4;
  uv_close((uv_handle_t *)&e->poll, env_handle_closed);
  uv_close((uv_handle_t *)&e->idle, env_handle_closed);
  uv_close((uv_handle_t *)&e->flush_timer, env_handle_closed);
  uv_close((uv_handle_t *)&e->accept_timer, env_handle_closed);
  close(e->epfd);
  ((pipe_pool_t *)e->pipes)->relay = NULL;
}

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, "EINVAL", #call " failed"); return NULL; } } while (0)

rl_env_t *rl_get_env(napi_env env) {
  pipe_pool_t *pe = NULL;
  if (napi_get_instance_data(env, (void **)&pe) != napi_ok || !pe || !pe->relay) {
    napi_throw_error(env, "EINVAL", "relay loop not initialised (relayInit)");
    return NULL;
  }
  return (rl_env_t *)pe->relay;
}

#define get_env rl_get_env

static void *array_buffer(napi_env env, napi_value v, size_t want) {
  void *data = NULL;
  size_t len = 0;
  bool is_ab = false;
  if (napi_is_arraybuffer(env, v, &is_ab) != napi_ok || !is_ab) return NULL;
  if (napi_get_arraybuffer_info(env, v, &data, &len) != napi_ok || len < want) return NULL;
  return data;
}

/* relayInit(onBatch, evBuffer, dataBuffer, resource): once per env (later calls: false). */
static napi_value RelayInit(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4], name, out;
  pipe_pool_t *pe = NULL;
  uv_loop_t *loop;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(napi_get_instance_data(env, (void **)&pe));
  if (!pe) { napi_throw_error(env, "EINVAL", "addon instance data missing"); return NULL; }
  if (pe->relay) { napi_get_boolean(env, false, &out); return out; }
  double *ev = argc >= 4 ? array_buffer(env, argv[1], RL_EV_MAX * RL_EV_FIELDS * sizeof(double)) : NULL;
  uint8_t *data = argc >= 4 ? array_buffer(env, argv[2], RL_DATA_BYTES) : NULL;
  if (!ev || !data) { napi_throw_type_error(env, "EINVAL", "relayInit: event or data buffer too small"); return NULL; }
  CHECK(napi_get_uv_event_loop(env, &loop));
  rl_env_t *e = calloc(1, sizeof *e);
  if (!e) return throw_errno(env, ENOMEM, "calloc");
  e->env = env;
  e->loop = loop;
  e->ev = ev;
  e->data = data;
  e->pipes = pe;
  e->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (e->epfd < 0) { int err = errno; free(e); return throw_errno(env, err, "epoll_create1"); }
  int r = uv_poll_init(loop, &e->poll, e->epfd);
  if (r != 0) { close(e->epfd); free(e); return throw_errno(env, -r, "uv_poll_init"); }
  e->poll.data = e;
  uv_poll_start(&e->poll, UV_READABLE, on_epoll);
  uv_unref((uv_handle_t *)&e->poll);
  uv_idle_init(loop, &e->idle);
  e->idle.data = e;
  uv_timer_init(loop, &e->flush_timer);
  e->flush_timer.data = e;
  uv_unref((uv_handle_t *)&e->flush_timer);
  uv_timer_init(loop, &e->accept_timer);
  e->accept_timer.data = e;
  uv_unref((uv_handle_t *)&e->accept_timer);
  CHECK(napi_create_reference(env, argv[0], 1, &e->on_batch));
  CHECK(napi_create_reference(env, argv[3], 1, &e->resource));
  CHECK(napi_create_reference(env, argv[1], 1, &e->ev_ref));
  CHECK(napi_create_reference(env, argv[2], 1, &e->data_ref));
  CHECK(napi_create_string_utf8(env, "GeodesicRelayLoop", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_async_init(env, argv[3], name, &e->actx));
  napi_add_async_cleanup_hook(env, on_env_cleanup, e, &e->cleanup);
  pe->relay = e;
  napi_get_boolean(env, true, &out);
  return out;
}

static int parse_ip(const char *host, int port, struct sockaddr_storage *ss, socklen_t *len) {
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    *len = sizeof *a4;
    return 0;
  }
  if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    *len = sizeof *a6;
    return 0;
  }
  return -1;
}

/* relayListen(host (an IP), port, backlog) -> [listenerId, boundPort]; throws (EADDRINUSE...). */
static napi_value RelayListen(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], out, v;
  char host[64];
  size_t hl;
  int32_t port, backlog;
  rl_env_t *e = get_env(env);
  if (!e) return NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(napi_get_value_string_utf8(env, argv[0], host, sizeof host, &hl));
  CHECK(napi_get_value_int32(env, argv[1], &port));
  CHECK(napi_get_value_int32(env, argv[2], &backlog));
  struct sockaddr_storage ss;
  socklen_t len;
  if (parse_ip(host, port, &ss, &len) != 0 || port < 0 || port > 65535) return throw_errno(env, EINVAL, "bind");
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, errno, "socket");
  int one = 1, zero = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one); /* as libuv does for TCP */
  if (ss.ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  if (bind(fd, (struct sockaddr *)&ss, len) != 0) { int err = errno; close(fd); return throw_errno(env, err, "bind"); }
  if (listen(fd, backlog > 0 ? backlog : 511) != 0) { int err = errno; close(fd); return throw_errno(env, err, "listen"); }
  len = sizeof ss;
  getsockname(fd, (struct sockaddr *)&ss, &len);
  int bound = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port : ((struct sockaddr_in6 *)&ss)->sin6_port);
  rl_listener_t **ls = realloc(e->listeners, (e->nlisteners + 1) * sizeof *ls);
  rl_listener_t *l = calloc(1, sizeof *l);
  if (ls) e->listeners = ls;
  if (!ls || !l) { free(l); close(fd); return throw_errno(env, ENOMEM, "listen"); }
  l->env = e;
  l->id = e->nlisteners;
  l->fd = fd;
  l->flags = RL_F_NODELAY;
  l->hello_ms = 5000;
  l->peek_max = 16384 + 2048;
  struct epoll_event ev = { .events = EPOLLIN, .data.u64 = LISTENER_TAG | l->id };
  if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) { int err = errno; close(fd); free(l); return throw_errno(env, err, "epoll_ctl"); }
  e->listeners[e->nlisteners++] = l;
  e->active_listeners++;
  update_ref(e);
  CHECK(napi_create_array_with_length(env, 2, &out));
  napi_create_uint32(env, l->id, &v);
  napi_set_element(env, out, 0, v);
  napi_create_int32(env, bound, &v);
  napi_set_element(env, out, 1, v);
  return out;
}

static rl_listener_t *listener_arg(napi_env env, rl_env_t *e, napi_value v) {
  uint32_t id;
  if (napi_get_value_uint32(env, v, &id) != napi_ok || id >= e->nlisteners || !e->listeners[id]) {
    napi_throw_range_error(env, "EINVAL", "unknown relay listener");
    return NULL;
  }
  return e->listeners[id];
}

/* relayListenerSet(id, flags, helloTimeoutMs, peekMax) */
static napi_value RelayListenerSet(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  int32_t flags;
  double hello, peek;
  rl_env_t *e = get_env(env);
  if (!e) return NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  rl_listener_t *l = listener_arg(env, e, argv[0]);
  if (!l) return NULL;
  CHECK(napi_get_value_int32(env, argv[1], &flags));
  CHECK(napi_get_value_double(env, argv[2], &hello));
  CHECK(napi_get_value_double(env, argv[3], &peek));
  if (!(hello >= 0) || !(peek >= 1) || peek > RL_DATA_BYTES) { napi_throw_range_error(env, "EINVAL", "relayListenerSet: bad values"); return NULL; }
  l->flags = flags;
  l->hello_ms = (uint64_t)hello;
  l->peek_max = (size_t)peek;
  return NULL;
}

/* relayListenerStop(id, abortConnections): stops accepting (closes the socket); with true, also
 * ends every open connection of the listener (CLOSED events with end = aborted). */
static napi_value RelayListenerStop(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  bool abort_all = false;
  rl_env_t *e = get_env(env);
  if (!e) return NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  rl_listener_t *l = listener_arg(env, e, argv[0]);
  if (!l) return NULL;
  if (argc > 1) napi_get_value_bool(env, argv[1], &abort_all);
  if (!l->stopped) {
    l->stopped = 1;
    close(l->fd);
    l->fd = -1;
    e->active_listeners--;
    update_ref(e);
  }
  if (abort_all)
    for (uint32_t i = 0; i < e->nslots; i++)
      if (e->slots[i] && e->slots[i]->l == l) finish(e->slots[i], RL_ABORTED, 0);
  return NULL;
}

/* relayListenerStats(id) -> { open, accepted, acceptErrors } */
static napi_value RelayListenerStats(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  rl_env_t *e = get_env(env);
  if (!e) return NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  rl_listener_t *l = listener_arg(env, e, argv[0]);
  if (!l) return NULL;
  static const char *const keys[] = { "open", "accepted", "acceptErrors" };
  const double values[] = { l->open, l->accepted, l->accept_errors };
  return counters(env, keys, values, 3);
}

static rl_conn_t *conn_arg(napi_env env, rl_env_t *e, napi_value v) {
  double id;
  if (napi_get_value_double(env, v, &id) != napi_ok) return NULL;
  return conn_by_id(e, id);
}

/* relayPeek(id): after an ACCEPT event, read the client's first bytes (DATA events follow). */
static napi_value RelayPeek(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  rl_env_t *e = get_env(env);
  if (!e) return NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  rl_conn_t *c = conn_arg(env, e, argv[0]);
  if (c && (c->state == RL_ST_HOLD || c->state == RL_ST_PEEK)) {
    c->state = RL_ST_PEEK;
    if (c->fresh) queue_pending(c);
  }
  napi_get_boolean(env, c != NULL, &out);
  return out;
}

/* relayConsume(id, n): drops the first n peeked bytes (an inbound PROXY header) -> 0 or errno. */
static napi_value RelayConsume(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  uint32_t want;
  rl_env_t *e = get_env(env);
  if (!e) return NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(napi_get_value_uint32(env, argv[1], &want));
  rl_conn_t *c = conn_arg(env, e, argv[0]);
  int err = c ? 0 : ESRCH;
  while (c && want > 0) {
    ssize_t n = recv(c->fd[0], e->scratch, want < RL_SCRATCH ? want : RL_SCRATCH, 0);
    if (n > 0) { want -= (uint32_t)n; continue; }
    if (n < 0 && errno == EINTR) continue;
    err = n < 0 ? errno : EPIPE;
    break;
  }
  napi_create_int32(env, err, &out);
  return out;
}

/* relayConnect(id, addr20, head, connectMs, idleMs, totalMs, keepAliveS, noDelay) -> 0 or errno.
 * addr20: [0] = 4|6, [2..3] port (big endian), [4..] address (as src/native/udp-address.ts).
 * On a non-zero return the connection is unchanged (the caller tries the next server or closes). */
static napi_value RelayConnect(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8], out;
  double connect_ms, idle_ms, total_ms;
  int32_t keepalive;
  bool nodelay = true;
  uint8_t *addr = NULL, *head = NULL;
  size_t alen = 0, hlen = 0;
  napi_typedarray_type type;
  napi_value ab;
  size_t off;
  bool is_ta = false;
  rl_env_t *e = get_env(env);
  if (!e) return NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 8) { napi_throw_type_error(env, "EINVAL", "relayConnect: 8 arguments expected"); return NULL; }
  rl_conn_t *c = conn_arg(env, e, argv[0]);
  if (napi_is_typedarray(env, argv[1], &is_ta) != napi_ok || !is_ta ||
      napi_get_typedarray_info(env, argv[1], &type, &alen, (void **)&addr, &ab, &off) != napi_ok || alen < 20) {
    napi_throw_type_error(env, "EINVAL", "relayConnect: address record expected");
    return NULL;
  }
  napi_valuetype ht;
  CHECK(napi_typeof(env, argv[2], &ht));
  if (ht != napi_undefined && ht != napi_null) {
    if (napi_is_typedarray(env, argv[2], &is_ta) != napi_ok || !is_ta ||
        napi_get_typedarray_info(env, argv[2], &type, &hlen, (void **)&head, &ab, &off) != napi_ok) {
      napi_throw_type_error(env, "EINVAL", "relayConnect: head must be a Uint8Array");
      return NULL;
    }
  }
  CHECK(napi_get_value_double(env, argv[3], &connect_ms));
  CHECK(napi_get_value_double(env, argv[4], &idle_ms));
  CHECK(napi_get_value_double(env, argv[5], &total_ms));
  CHECK(napi_get_value_int32(env, argv[6], &keepalive));
  CHECK(napi_get_value_bool(env, argv[7], &nodelay));
  if (!c || (c->state != RL_ST_HOLD && c->state != RL_ST_PEEK)) { napi_create_int32(env, ESRCH, &out); return out; }
  struct sockaddr_storage ss;
  socklen_t len;
  memset(&ss, 0, sizeof ss);
  if (addr[0] == 4) {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    memcpy(&a->sin_port, addr + 2, 2);
    memcpy(&a->sin_addr, addr + 4, 4);
    len = sizeof *a;
  } else {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    memcpy(&a->sin6_port, addr + 2, 2);
    memcpy(&a->sin6_addr, addr + 4, 16);
    len = sizeof *a;
  }
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) { napi_create_int32(env, errno, &out); return out; }
  int one = 1;
  if (nodelay) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (keepalive > 0) {
    for (int i = 0; i < 2; i++) {
      int s = i == 0 ? c->fd[0] : fd;
      if (i == 0 && c->keepalive_s) continue;
      setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
      setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &keepalive, sizeof keepalive);
    }
    c->keepalive_s = keepalive;
  }
  int r;
  do r = connect(fd, (struct sockaddr *)&ss, len); while (r < 0 && errno == EINTR);
  if (r < 0 && errno != EINPROGRESS) { int err = errno; close(fd); napi_create_int32(env, err, &out); return out; }
  struct epoll_event ev = { .events = CONN_EVENTS, .data.u64 = ((uint64_t)c->gen << 32) | ((uint64_t)c->slot << 1) | 1 };
  if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) { int err = errno; close(fd); napi_create_int32(env, err, &out); return out; }
  rl_dir_t *d = &c->d[0];
  free(d->buf);
  d->buf = NULL;
  d->len = d->off = d->uncounted = 0;
  if (hlen > 0) {
    d->buf = malloc(hlen);
    if (!d->buf) { close(fd); napi_create_int32(env, ENOMEM, &out); return out; }
    memcpy(d->buf, head, hlen);
    d->len = d->uncounted = hlen;
  }
  uint64_t now = uv_now(e->loop);
  c->fd[1] = fd;
  c->rd[1] = c->wr[1] = c->rdhup[1] = 0;
  c->hello_at = 0;
  c->idle_ms = idle_ms > 0 ? (uint64_t)idle_ms : 0;
  if (total_ms > 0 && !c->total_at) c->total_at = now + (uint64_t)total_ms;
  if (r == 0) {
    c->wr[1] = 1;
    c->state = RL_ST_PUMP;
    c->last_active = now;
    queue_event(e, RL_EV_CONNECTED, conn_id(c), c->l->id, 0, 0, 0, 0, 0);
    queue_pending(c);
  } else {
    c->state = RL_ST_CONNECTING;
    c->connect_at = connect_ms > 0 ? now + (uint64_t)connect_ms : 0;
  }
  arm_timer(c);
  napi_create_int32(env, 0, &out);
  return out;
}

/* relayClose(id, fin): ends a connection now. fin: read what the client sent, then close with a FIN
 * (no route); else close both sides (abort). A CLOSED event follows. */
static napi_value RelayClose(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  bool fin = false;
  rl_env_t *e = get_env(env);
  if (!e) return NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc > 1) napi_get_value_bool(env, argv[1], &fin);
  rl_conn_t *c = conn_arg(env, e, argv[0]);
  /* Before the pump, what the client sent was only peeked: read it, so close() sends a FIN, not a
   * reset (as node:net, which has read it, does). */
  if (c && c->fd[0] >= 0 && (fin || c->state == RL_ST_HOLD || c->state == RL_ST_PEEK)) {
    for (int i = 0; i < 64; i++) {
      ssize_t n = recv(c->fd[0], e->scratch, RL_SCRATCH, MSG_DONTWAIT);
      if (n <= 0 && !(n < 0 && errno == EINTR)) break;
    }
    if (fin) shutdown(c->fd[0], SHUT_WR);
  }
  if (c) finish(c, RL_ABORTED, 0);
  napi_get_boolean(env, c != NULL, &out);
  return out;
}

/* relayAddress(id, local) -> [address, port] of the client's peer (false) or local (true) end. */
static napi_value RelayAddress(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out, v;
  bool local = false;
  rl_env_t *e = get_env(env);
  if (!e) return NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc > 1) napi_get_value_bool(env, argv[1], &local);
  rl_conn_t *c = conn_arg(env, e, argv[0]);
  if (!c || c->fd[0] < 0) { napi_get_undefined(env, &out); return out; }
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (local) {
    if (getsockname(c->fd[0], (struct sockaddr *)&ss, &len) != 0) { napi_get_undefined(env, &out); return out; }
  } else {
    memcpy(&ss, &c->peer, c->peer_len);
  }
  char text[INET6_ADDRSTRLEN];
  int port;
  if (ss.ss_family == AF_INET) {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
    port = ntohs(a->sin_port);
  } else {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
    port = ntohs(a->sin6_port);
  }
  CHECK(napi_create_array_with_length(env, 2, &out));
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &v);
  napi_set_element(env, out, 0, v);
  napi_create_int32(env, port, &v);
  napi_set_element(env, out, 1, v);
  return out;
}

/* relayInfo() -> { connections, listeners, pending, queued, sparePipes, pipeBytes } (diagnostics, tests) */
static napi_value RelayInfo(napi_env env, napi_callback_info info) {
  pipe_pool_t *pe = NULL;
  (void)info;
  CHECK(napi_get_instance_data(env, (void **)&pe));
  rl_env_t *e = pe ? (rl_env_t *)pe->relay : NULL;
  static const char *const keys[] = { "connections", "listeners", "pending", "queued", "sparePipes", "pipeBytes" };
  const double values[] = { e ? e->conns : 0, e ? e->active_listeners : 0, e ? (double)e->npend : 0, e ? (double)e->qlen : 0,
                            pe ? pe->count : 0, pe ? (double)pe->pipe_bytes : 0 };
  return counters(env, keys, values, 6);
}


static void finalize_pool(napi_env env, void *data, void *hint) {
  (void)env; (void)hint;
  pipe_pool_free((pipe_pool_t *)data);
}

napi_status relay_register(napi_env env, napi_value exports) {
  pipe_pool_t *pool = calloc(1, sizeof *pool);
  if (!pool) return napi_generic_failure;
  napi_status s = napi_set_instance_data(env, pool, finalize_pool, NULL);
  if (s != napi_ok) { free(pool); return s; }
  napi_property_descriptor props[] = {
    { "relayInit", NULL, RelayInit, NULL, NULL, NULL, napi_default, NULL },
    { "relayListen", NULL, RelayListen, NULL, NULL, NULL, napi_default, NULL },
    { "relayListenerSet", NULL, RelayListenerSet, NULL, NULL, NULL, napi_default, NULL },
    { "relayListenerStop", NULL, RelayListenerStop, NULL, NULL, NULL, napi_default, NULL },
    { "relayListenerStats", NULL, RelayListenerStats, NULL, NULL, NULL, napi_default, NULL },
    { "relayPeek", NULL, RelayPeek, NULL, NULL, NULL, napi_default, NULL },
    { "relayConsume", NULL, RelayConsume, NULL, NULL, NULL, napi_default, NULL },
    { "relayConnect", NULL, RelayConnect, NULL, NULL, NULL, napi_default, NULL },
    { "relayClose", NULL, RelayClose, NULL, NULL, NULL, napi_default, NULL },
    { "relayAddress", NULL, RelayAddress, NULL, NULL, NULL, napi_default, NULL },
    { "relayInfo", NULL, RelayInfo, NULL, NULL, NULL, napi_default, NULL },
  };
  s = napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return s == napi_ok ? relay_udp_register(env, exports) : s;
}
