/* The pump loop. Per direction: head bytes (from JS) first, then splice src -> pipe while the pipe
 * is empty, pipe -> dst until it is; EOF from src becomes shutdown(dst, SHUT_WR) once the pipe is
 * empty. A direction reads only while its pipe is empty, so a slow reader stops its peer's reads
 * (backpressure: at most one pipe of bytes per direction in flight). Polls are level-triggered,
 * so a direction cut short after PUMP_STEPS rounds is picked up on the next loop turn. */
#include "splice-pump.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define SPLICE_FLAGS (SPLICE_F_MOVE | SPLICE_F_NONBLOCK)

static int pipe_get(pump_t *p, pump_dir_t *d) {
  pump_env_t *e = p->penv;
  if (e->count > 0) {
    e->count--;
    d->pipe[0] = e->pipes[e->count][0];
    d->pipe[1] = e->pipes[e->count][1];
    return 0;
  }
  if (pipe2(d->pipe, O_NONBLOCK | O_CLOEXEC) != 0) { d->pipe[0] = d->pipe[1] = -1; return -errno; }
  (void)fcntl(d->pipe[1], F_SETPIPE_SZ, PUMP_PIPE_BYTES); /* best effort (pipe-user-pages limits) */
  if (!e->pipe_bytes) {
    int sz = fcntl(d->pipe[1], F_GETPIPE_SZ);
    e->pipe_bytes = sz > 0 ? (size_t)sz : 65536;
  }
  return 0;
}

/* An empty pipe goes back to the pool; one with bytes still in it (a pump that failed) is closed. */
static void pipe_put(pump_t *p, pump_dir_t *d) {
  pump_env_t *e = p->penv;
  if (d->pipe[0] < 0) return;
  if (d->in_pipe == 0 && e->count < PUMP_POOL_MAX) {
    e->pipes[e->count][0] = d->pipe[0];
    e->pipes[e->count][1] = d->pipe[1];
    e->count++;
  } else {
    close(d->pipe[0]);
    close(d->pipe[1]);
  }
  d->pipe[0] = d->pipe[1] = -1;
  d->in_pipe = 0;
}

static int side_error(int side) { return side == 0 ? PUMP_CLIENT_ERROR : PUMP_UPSTREAM_ERROR; }

/* Moves what it can in one direction; -1 when the pump failed (finished). */
static int step(pump_t *p, pump_dir_t *d) {
  int src = p->fd[d->src], dst = p->fd[d->dst];
  for (int i = 0; i < PUMP_STEPS; i++) {
    ssize_t n;
    if (d->head_off < d->head_len) {
      n = send(dst, d->head + d->head_off, d->head_len - d->head_off, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) { d->head_off += (size_t)n; continue; }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
      pump_finish(p, side_error(d->dst), n < 0 ? errno : EIO);
      return -1;
    }
    if (d->in_pipe > 0) {
      n = splice(d->pipe[0], NULL, dst, NULL, d->in_pipe, SPLICE_FLAGS);
      if (n > 0) { d->in_pipe -= (size_t)n; d->bytes += (double)n; continue; }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
      pump_finish(p, side_error(d->dst), n < 0 ? errno : EIO);
      return -1;
    }
    if (d->eof) break;
    if (d->pipe[0] < 0) {
      int r = pipe_get(p, d);
      if (r < 0) { pump_finish(p, PUMP_LOCAL_ERROR, -r); return -1; }
    }
    n = splice(src, NULL, d->pipe[1], NULL, p->penv->pipe_bytes, SPLICE_FLAGS);
    if (n > 0) { d->in_pipe += (size_t)n; continue; }
    if (n == 0) { d->eof = 1; break; }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) { pipe_put(p, d); return 0; }
    pump_finish(p, side_error(d->src), errno);
    return -1;
  }
  if (d->eof && !d->shut && d->in_pipe == 0 && d->head_off >= d->head_len) {
    d->shut = 1;
    pipe_put(p, d);
    if (shutdown(dst, SHUT_WR) != 0 && errno != ENOTCONN) {
      pump_finish(p, side_error(d->dst), errno);
      return -1;
    }
  }
  return 0;
}

static int wants_write(const pump_dir_t *d) { return d->head_off < d->head_len || d->in_pipe > 0; }
static int wants_read(const pump_dir_t *d) { return !d->eof && !wants_write(d); }

static void on_poll(uv_poll_t *h, int status, int events);
static void on_closed(uv_handle_t *h);

static void set_events(pump_t *p) {
  for (int k = 0; k < 2; k++) {
    int ev = 0;
    for (int i = 0; i < 2; i++) {
      if (p->d[i].src == k && wants_read(&p->d[i])) ev |= UV_READABLE;
      if (p->d[i].dst == k && wants_write(&p->d[i])) ev |= UV_WRITABLE;
    }
    if (ev == p->events[k]) continue;
    p->events[k] = ev;
    if (ev) uv_poll_start(&p->poll[k], ev, on_poll);
    else uv_poll_stop(&p->poll[k]);
  }
}

static void on_poll(uv_poll_t *h, int status, int events) {
  pump_t *p = (pump_t *)h->data;
  int k = h == &p->poll[0] ? 0 : 1;
  if (p->closing) return;
  if (status < 0) {
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(p->fd[k], SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err == 0) err = -status;
    pump_finish(p, side_error(k), err);
    return;
  }
  p->last_active = uv_now(h->loop);
  for (int i = 0; i < 2; i++) {
    pump_dir_t *d = &p->d[i];
    int go = (d->src == k && (events & UV_READABLE) && wants_read(d)) ||
             (d->dst == k && (events & UV_WRITABLE) && wants_write(d)) ||
             (d->eof && !d->shut);
    if (go && step(p, d) < 0) return;
  }
  if (p->d[0].shut && p->d[1].shut) { pump_finish(p, PUMP_CLOSED, 0); return; }
  set_events(p);
}

static void on_timer(uv_timer_t *t) {
  pump_t *p = (pump_t *)t->data;
  uint64_t idle = uv_now(t->loop) - p->last_active;
  if (p->closing) return;
  if (idle >= p->idle_ms) { pump_finish(p, PUMP_IDLE, 0); return; }
  uv_timer_start(&p->timer, on_timer, p->idle_ms - idle, 0);
}

/* 0, or a negative uv error: then either nothing was started (the caller still owns p and its fds)
 * or, when p->closing is set, the close path owns them and frees p. */
int pump_start(pump_t *p) {
  uv_loop_t *loop;
  int r;
  if (napi_get_uv_event_loop(p->env, &loop) != napi_ok) return UV_EINVAL;
  r = uv_poll_init(loop, &p->poll[0], p->fd[0]);
  if (r != 0) return r;
  p->poll[0].data = p;
  p->penv->pumps_open++;
  r = uv_poll_init(loop, &p->poll[1], p->fd[1]);
  if (r != 0) {
    p->closing = p->teardown = p->external_gone = 1;
    p->open_handles = 1;
    uv_close((uv_handle_t *)&p->poll[0], on_closed);
    return r;
  }
  p->poll[1].data = p;
  uv_timer_init(loop, &p->timer);
  p->timer.data = p;
  p->open_handles = 3;
  p->last_active = uv_now(loop);
  if (p->idle_ms > 0) uv_timer_start(&p->timer, on_timer, p->idle_ms, 0);
  uv_unref((uv_handle_t *)&p->timer); /* the polls keep the loop alive, as sockets do */
  set_events(p);
  return 0;
}

void pump_maybe_free(pump_t *p) {
  if (!p->freed_fds || !p->external_gone) return;
  free(p->d[0].head);
  free(p->d[1].head);
  free(p);
}

static void on_closed(uv_handle_t *h) {
  pump_t *p = (pump_t *)h->data;
  if (--p->open_handles > 0) return;
  for (int i = 0; i < 2; i++) pipe_put(p, &p->d[i]);
  close(p->fd[0]);
  close(p->fd[1]);
  p->fd[0] = p->fd[1] = -1;
  p->penv->pumps_open--;
  if (p->cleanup) napi_remove_async_cleanup_hook(p->cleanup);
  p->cleanup = NULL;
  if (!p->teardown) pump_call_done(p);
  p->freed_fds = 1;
  pump_maybe_free(p);
}

/* Stops both directions; the fds are closed and JS told once libuv has let go of the handles. */
void pump_finish(pump_t *p, int end, int err) {
  if (p->closing) return;
  p->closing = 1;
  p->end = end;
  p->err = err;
  uv_close((uv_handle_t *)&p->poll[0], on_closed);
  uv_close((uv_handle_t *)&p->poll[1], on_closed);
  uv_close((uv_handle_t *)&p->timer, on_closed);
}

void pump_env_free(pump_env_t *e) {
  for (int i = 0; i < e->count; i++) { close(e->pipes[i][0]); close(e->pipes[i][1]); }
  free(e);
}
