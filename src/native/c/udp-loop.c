/* The batch loop: on readability drain up to max_batches batches with recvmmsg, hand each batch to
 * JavaScript once, answer with sendmmsg. If the socket cannot take all replies (EAGAIN), the rest
 * wait for writability and reading pauses until they are out (the tx buffer is shared). */
#include "udp.h"
#include "rrl.h"
#include "relay-loop.h"
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void set_events(udp_t *u, int events);

static void write_addr(uint8_t *out, const struct sockaddr_storage *ss) {
  memset(out, 0, UDP_ADDR_BYTES);
  if (ss->ss_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
    out[0] = 6;
    memcpy(out + 2, &a->sin6_port, 2); /* already big-endian */
    memcpy(out + 4, &a->sin6_addr, 16);
  } else {
    const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
    out[0] = 4;
    memcpy(out + 2, &a->sin_port, 2);
    memcpy(out + 4, &a->sin_addr, 4);
  }
}

socklen_t udp_record_sockaddr(const uint8_t *rec, struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof *ss);
  if (rec[0] == 6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
    a->sin6_family = AF_INET6;
    memcpy(&a->sin6_port, rec + 2, 2);
    memcpy(&a->sin6_addr, rec + 4, 16);
    return sizeof *a;
  }
  struct sockaddr_in *a = (struct sockaddr_in *)ss;
  a->sin_family = AF_INET;
  memcpy(&a->sin_port, rec + 2, 2);
  memcpy(&a->sin_addr, rec + 4, 4);
  return sizeof *a;
}

/* Receives one batch; returns packets kept (oversized ones dropped), 0 when nothing is waiting. */
static uint32_t recv_batch(udp_t *u, int *more) {
  int n;
  int icmp = 0;
  *more = 0;
  for (uint32_t i = 0; i < u->batch; i++) {
    u->rmsg[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_storage);
    u->rmsg[i].msg_hdr.msg_flags = 0;
    u->rmsg[i].msg_len = 0;
  }
  for (;;) {
    n = recvmmsg(u->fd, u->rmsg, u->batch, MSG_DONTWAIT, NULL);
    if (n >= 0) break;
    if (errno == EINTR) continue;
    /* An ICMP error queued on the socket (port unreachable for an earlier reply...): it is
     * reported once and cleared, so read again; a few at most so a flood cannot pin us here. */
    if ((errno == ECONNREFUSED || errno == EHOSTUNREACH || errno == ENETUNREACH ||
         errno == EHOSTDOWN || errno == ENETDOWN || errno == EPROTO) && icmp++ < 16) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) u->recv_errors++;
    return 0;
  }
  *more = (uint32_t)n == u->batch;
  uint32_t k = 0;
  for (uint32_t i = 0; i < (uint32_t)n; i++) {
    if (u->rmsg[i].msg_hdr.msg_flags & MSG_TRUNC) { u->dropped_oversize++; continue; }
    if (k != i) {
      memmove(u->rx + (size_t)k * u->slot, u->rx + (size_t)i * u->slot, u->rmsg[i].msg_len);
      u->peers[k] = u->peers[i];
      u->rmsg[k].msg_hdr.msg_namelen = u->rmsg[i].msg_hdr.msg_namelen;
    }
    u->rx_len[k] = (int32_t)u->rmsg[i].msg_len;
    write_addr(u->addr + (size_t)k * UDP_ADDR_BYTES, &u->peers[k]);
    k++;
  }
  u->rx_packets += k;
  return k;
}

/* Sends what is pending; 1 when all is out, 0 when the socket is full (EAGAIN). */
static int flush(udp_t *u) {
  while (u->pend_off < u->pend_n) {
    int r = sendmmsg(u->fd, u->smsg + u->pend_off, u->pend_n - u->pend_off, MSG_DONTWAIT);
    if (r > 0) { u->pend_off += (uint32_t)r; u->tx_packets += r; continue; }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    u->pend_off++; /* this one reply cannot be sent (EMSGSIZE, EPERM, ENOBUFS...): drop it */
    u->send_errors++;
  }
  u->pend_off = u->pend_n = 0;
  return 1;
}

static void queue_replies(udp_t *u, uint32_t count) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < count; i++) {
    int32_t len = u->tx_len[i];
    if (len <= 0) continue;
    if ((uint32_t)len > u->slot) { u->send_errors++; continue; }
    u->siov[k].iov_base = u->tx + (size_t)i * u->slot;
    u->siov[k].iov_len = (size_t)len;
    u->smsg[k].msg_hdr.msg_name = &u->peers[i];
    u->smsg[k].msg_hdr.msg_namelen = u->rmsg[i].msg_hdr.msg_namelen;
    k++;
  }
  u->pend_off = 0;
  u->pend_n = k;
}

/* Moves received packet i (bytes, length, peer, address record) to position m <= i of the batch. */
static void keep(udp_t *u, uint32_t m, uint32_t i) {
  if (m == i) return;
  memmove(u->rx + (size_t)m * u->slot, u->rx + (size_t)i * u->slot, (size_t)u->rx_len[i]);
  u->rx_len[m] = u->rx_len[i];
  u->peers[m] = u->peers[i];
  u->rmsg[m].msg_hdr.msg_namelen = u->rmsg[i].msg_hdr.msg_namelen;
  memcpy(u->addr + (size_t)m * UDP_ADDR_BYTES, u->addr + (size_t)i * UDP_ADDR_BYTES, UDP_ADDR_BYTES);
}

/* Answers the cache hits of a batch at once and moves the misses to the front; returns the misses.
 * A hit reply the socket cannot take now (EAGAIN) is dropped, as UDP may. */
static uint32_t answer_hits(udp_t *u, uint32_t n) {
  uint32_t h = 0, m = 0;
  answer_cache_t *c = u->cache;
  struct timespec t0 = { 0, 0 }, t1;
  double wall_ms = 0;
  size_t tap_from = c->tap_len;
  if (c->tap || c->rrl) {
    struct timespec w;
    clock_gettime(CLOCK_REALTIME, &w);
    wall_ms = (double)w.tv_sec * 1e3 + (double)(w.tv_nsec / 1000000);
  }
  if (c->tap) clock_gettime(CLOCK_MONOTONIC, &t0);
  for (uint32_t i = 0; i < n; i++) {
    uint8_t *pkt = u->rx + (size_t)i * u->slot;
    uint32_t slot;
    size_t qname_len;
    uint8_t *out = u->hit_tx + (size_t)h * u->slot;
    size_t len = cache_answer(c, pkt, (size_t)u->rx_len[i], out, u->slot, &slot, &qname_len);
    if (len) {
      const uint8_t *who = u->addr + (size_t)i * UDP_ADDR_BYTES;
      if (c->tap) cache_tap_hit(c, slot, who, pkt, (size_t)u->rx_len[i], len, wall_ms);
      if (c->rrl) {
        int action = rrl_check(c->rrl, who + 4, who[0] == 6, c->slots[slot].rrl_token, wall_ms);
        if (action == RRL_DROP) continue;
        if (action == RRL_SLIP) { /* header and question only, TC set (as net's truncate) */
          out[2] |= 0x02;
          memset(out + 6, 0, 6);
          len = 12 + qname_len + 4;
        }
      }
      u->hpeers[h] = u->peers[i];
      u->hmsg[h].msg_hdr.msg_namelen = u->rmsg[i].msg_hdr.msg_namelen;
      u->hiov[h].iov_len = len;
      h++;
      continue;
    }
    keep(u, m++, i);
  }
  if (c->tap && h > 0) {
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
    cache_tap_time(c, tap_from, (uint32_t)(ns / h));
  }
  uint32_t off = 0;
  while (off < h) {
    int r = sendmmsg(u->fd, u->hmsg + off, h - off, MSG_DONTWAIT);
    if (r > 0) { off += (uint32_t)r; u->tx_packets += r; continue; }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) { u->send_errors += h - off; break; }
    off++;
    u->send_errors++;
  }
  return m;
}

/* Gives the datagrams of clients that have a relay session to it (sent upstream now) and moves the
 * others to the front; returns those left for JavaScript. */
static uint32_t forward_sessions(udp_t *u, uint32_t n) {
  void *relay = relay_udp_env(u->env);
  if (!relay) return n;
  uint32_t m = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint8_t *pkt = u->rx + (size_t)i * u->slot;
    if (relay_udp_forward(relay, u->relay_group - 1, &u->peers[i], pkt, (size_t)u->rx_len[i])) continue;
    keep(u, m++, i);
  }
  u->forwarded += n - m;
  return m;
}

static void on_poll(uv_poll_t *h, int status, int events) {
  udp_t *u = (udp_t *)h->data;
  (void)events;
  if (u->closing) return;
  if (status < 0) { u->recv_errors++; return; }
  if (u->pend_n) {
    if (!flush(u)) return;
    set_events(u, UV_READABLE);
  }
  for (uint32_t b = 0; b < u->max_batches && !u->closing; b++) {
    int more;
    uint32_t n = recv_batch(u, &more);
    if (n > 0 && u->cache) n = answer_hits(u, n);
    if (n > 0 && u->relay_group) n = forward_sessions(u, n);
    if (n > 0) {
      memset(u->tx_len, 0, (size_t)n * sizeof(int32_t));
      u->batches++;
      udp_call_js(u, n);
      queue_replies(u, n);
      if (!flush(u)) { if (!u->closing) set_events(u, UV_WRITABLE); break; }
    }
    if (!more) break;
  }
  if (u->closing && !u->closed) udp_loop_close(u);
}

static void set_events(udp_t *u, int events) {
  if (u->events == events) return;
  u->events = events;
  uv_poll_start(&u->poll, events, on_poll);
}

int udp_loop_start(udp_t *u) {
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(u->env, &loop) != napi_ok) return UV_EINVAL;
  int r = uv_poll_init(loop, &u->poll, u->fd);
  if (r != 0) return r;
  u->poll.data = u;
  for (uint32_t i = 0; i < u->batch; i++) {
    u->riov[i].iov_base = u->rx + (size_t)i * u->slot;
    u->riov[i].iov_len = u->slot;
    memset(&u->rmsg[i], 0, sizeof u->rmsg[i]);
    u->rmsg[i].msg_hdr.msg_name = &u->peers[i];
    u->rmsg[i].msg_hdr.msg_iov = &u->riov[i];
    u->rmsg[i].msg_hdr.msg_iovlen = 1;
    memset(&u->smsg[i], 0, sizeof u->smsg[i]);
    u->smsg[i].msg_hdr.msg_iov = &u->siov[i];
    u->smsg[i].msg_hdr.msg_iovlen = 1;
    if (u->cache) {
      u->hiov[i].iov_base = u->hit_tx + (size_t)i * u->slot;
      memset(&u->hmsg[i], 0, sizeof u->hmsg[i]);
      u->hmsg[i].msg_hdr.msg_name = &u->hpeers[i];
      u->hmsg[i].msg_hdr.msg_iov = &u->hiov[i];
      u->hmsg[i].msg_hdr.msg_iovlen = 1;
    }
  }
  u->events = UV_READABLE;
  return uv_poll_start(&u->poll, UV_READABLE, on_poll);
}

void udp_maybe_free(udp_t *u) {
  if (!u->closed || !u->external_gone) return;
  free(u->rmsg); free(u->smsg); free(u->riov); free(u->siov); free(u->peers);
  free(u->hit_tx); free(u->hmsg); free(u->hiov); free(u->hpeers);
  free(u);
}

static void on_closed(uv_handle_t *h) {
  udp_t *u = (udp_t *)h->data;
  close(u->fd);
  u->fd = -1;
  u->closed = 1;
  if (u->cleanup) napi_remove_async_cleanup_hook(u->cleanup);
  u->cleanup = NULL;
  if (!u->teardown) udp_call_close_js(u);
  udp_maybe_free(u);
}

void udp_loop_close(udp_t *u) {
  u->closing = 1;
  if (u->in_callback || uv_is_closing((uv_handle_t *)&u->poll)) return; /* on_poll finishes it */
  uv_poll_stop(&u->poll);
  uv_close((uv_handle_t *)&u->poll, on_closed);
}
