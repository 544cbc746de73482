/* The UDP relay's sessions in C (see relay-loop.h). A group is one UDP listener socket (dup()ed);
 * a session is a connected socket to its upstream, opened by JS at the session's first datagram
 * (JS chooses the pool, reads the QUIC SNI...), and entered in the group's table by client address
 * and port. From then on both directions run here without JavaScript:
 *   client -> upstream: the listener's batch loop (udp-loop.c) asks relay_udp_forward for each
 *     datagram of a recvmmsg batch; a session's datagram goes out with one sendmsg (PROXY v2 head
 *     first), the others (new clients) go to JavaScript;
 *   upstream -> client: recvmmsg on each readable session socket into a reply batch, sent with one
 *     sendmmsg through the listener socket at the end of each epoll round.
 * Every datagram updates the session's bytes and last activity, read by JS for idle timeouts and
 * counters; an ICMP error on a session's socket (port unreachable...) becomes one UDP_ERROR event. */
#include "relay-loop.h"
#include "pipe-pool.h"
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/uio.h>
#include <unistd.h>

#define UDP_MAX 65536      /* a receive slot: the largest UDP payload fits */
#define OUT_BATCH 32       /* replies per sendmmsg */
#define READ_BATCH 16      /* replies per recvmmsg */
#define READ_ROUNDS 4      /* recvmmsg calls per session per round (fairness) */

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, "EINVAL", #call " failed"); return NULL; } } while (0)

typedef struct udp_out_s {
  uint8_t *buf;                           /* OUT_BATCH slots of UDP_MAX */
  struct mmsghdr rmsg[OUT_BATCH], smsg[OUT_BATCH];
  struct iovec riov[OUT_BATCH], siov[OUT_BATCH];
  struct sockaddr_storage to[OUT_BATCH];
  uint32_t n;
  rl_listener_t *g;                       /* the group of the gathered replies */
} udp_out_t;

/* ---- the group's client table ---------------------------------------------------------------- */

static uint32_t mix(uint32_t h) {
  h ^= h >> 16; h *= 0x7feb352dU; h ^= h >> 15; h *= 0x846ca68bU; h ^= h >> 16;
  return h;
}

static uint32_t client_hash(const struct sockaddr_storage *ss) {
  if (ss->ss_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
    uint32_t w[4];
    memcpy(w, &a->sin6_addr, 16);
    return mix(w[0] ^ mix(w[1] ^ mix(w[2] ^ mix(w[3] ^ a->sin6_port))));
  }
  const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
  return mix(a->sin_addr.s_addr ^ mix(a->sin_port));
}

static int client_eq(const struct sockaddr_storage *x, const struct sockaddr_storage *y) {
  if (x->ss_family != y->ss_family) return 0;
  if (x->ss_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)x, *b = (const struct sockaddr_in6 *)y;
    return a->sin6_port == b->sin6_port && memcmp(&a->sin6_addr, &b->sin6_addr, 16) == 0;
  }
  const struct sockaddr_in *a = (const struct sockaddr_in *)x, *b = (const struct sockaddr_in *)y;
  return a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr;
}

/* Doubles the buckets (64 at first) once sessions outnumber them; 0 or ENOMEM. */
static int table_grow(rl_env_t *e, rl_listener_t *g) {
  if (g->nsessions < g->nbuckets) return 0;
  uint32_t n = g->nbuckets ? g->nbuckets * 2 : 64;
  uint32_t *b = calloc(n, sizeof *b);
  if (!b) return ENOMEM;
  for (uint32_t i = 0; i < g->nbuckets; i++) {
    for (uint32_t s = g->buckets[i]; s;) {
      rl_udp_t *u = e->uslots[s - 1];
      uint32_t next = u->next;
      u->next = b[u->hash & (n - 1)];
      b[u->hash & (n - 1)] = s;
      s = next;
    }
  }
  free(g->buckets);
  g->buckets = b;
  g->nbuckets = n;
  return 0;
}

static void table_add(rl_listener_t *g, rl_udp_t *u) {
  uint32_t *head = &g->buckets[u->hash & (g->nbuckets - 1)];
  u->next = *head; /* a newer session of the same client (should JS open one) is found first */
  *head = u->slot + 1;
  g->nsessions++;
}

static void table_remove(rl_env_t *e, rl_listener_t *g, rl_udp_t *u) {
  if (!g || !g->buckets) return;
  for (uint32_t *at = &g->buckets[u->hash & (g->nbuckets - 1)]; *at; at = &e->uslots[*at - 1]->next) {
    if (*at == u->slot + 1) {
      *at = u->next;
      g->nsessions--;
      return;
    }
  }
}

static rl_listener_t *group_of(rl_env_t *e, const rl_udp_t *u) {
  return u->group < e->nlisteners ? e->listeners[u->group] : NULL;
}

static double session_id(const rl_udp_t *u) { return (double)u->gen * RL_ID_SPAN + u->slot; }

static void told(rl_env_t *e, rl_udp_t *u, int err) {
  if (u->error_told) return;
  u->error_told = 1;
  rl_queue_event(e, RL_EV_UDP_ERROR, session_id(u), u->group, err, 0, 0, 0, 0);
}

/* ---- client -> upstream ---------------------------------------------------------------------- */

/* head + datagram in one send on the session's connected socket: 0 or errno. */
static int send_up(rl_udp_t *u, const uint8_t *data, size_t len) {
  struct iovec iov[2] = { { u->head, u->head_len }, { (void *)data, len } };
  struct msghdr m = { .msg_iov = u->head_len ? iov : iov + 1, .msg_iovlen = u->head_len ? 2 : 1 };
  ssize_t n;
  do n = sendmsg(u->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL); while (n < 0 && errno == EINTR);
  return n < 0 ? errno : 0;
}

static int upstream_gone(int err) {
  return err == ECONNREFUSED || err == EHOSTUNREACH || err == ENETUNREACH || err == EHOSTDOWN || err == ENETDOWN;
}

void *relay_udp_env(napi_env env) {
  pipe_pool_t *pe = NULL;
  if (napi_get_instance_data(env, (void **)&pe) != napi_ok || !pe) return NULL;
  rl_env_t *e = (rl_env_t *)pe->relay;
  return e && !e->closing ? e : NULL;
}

int relay_udp_forward(void *relay, uint32_t group, const struct sockaddr_storage *peer, const uint8_t *data, size_t len) {
  rl_env_t *e = (rl_env_t *)relay;
  rl_listener_t *g = group < e->nlisteners ? e->listeners[group] : NULL;
  if (!g || !g->nsessions) return 0;
  uint32_t h = client_hash(peer);
  for (uint32_t s = g->buckets[h & (g->nbuckets - 1)]; s;) {
    rl_udp_t *u = e->uslots[s - 1];
    if (u->hash == h && client_eq(&u->client, peer)) {
      int err = send_up(u, data, len);
      if (err == 0) {
        u->bytes_up += (double)len;
        u->last_active = uv_now(e->loop);
        g->up++;
        return 1;
      }
      g->up_drops++; /* EAGAIN, ENOBUFS, EMSGSIZE (head + datagram too big): this datagram only */
      if (upstream_gone(err)) told(e, u, err);
      return 1;
    }
    s = u->next;
  }
  return 0;
}

/* ---- upstream -> client ---------------------------------------------------------------------- */

static udp_out_t *out_of(rl_env_t *e) {
  udp_out_t *o = (udp_out_t *)e->udp_out;
  if (o) return o;
  o = calloc(1, sizeof *o);
  if (!o) return NULL;
  o->buf = malloc((size_t)OUT_BATCH * UDP_MAX); /* untouched pages stay virtual */
  if (!o->buf) { free(o); return NULL; }
  for (int i = 0; i < OUT_BATCH; i++) {
    o->riov[i].iov_base = o->siov[i].iov_base = o->buf + (size_t)i * UDP_MAX;
    o->riov[i].iov_len = UDP_MAX;
    o->rmsg[i].msg_hdr.msg_iov = &o->riov[i];
    o->rmsg[i].msg_hdr.msg_iovlen = 1;
    o->smsg[i].msg_hdr.msg_iov = &o->siov[i];
    o->smsg[i].msg_hdr.msg_iovlen = 1;
    o->smsg[i].msg_hdr.msg_name = &o->to[i];
  }
  e->udp_out = o;
  return o;
}

void rl_udp_flush(rl_env_t *e) {
  udp_out_t *o = (udp_out_t *)e->udp_out;
  if (!o || o->n == 0) return;
  rl_listener_t *g = o->g;
  uint32_t off = 0;
  while (off < o->n && g->fd >= 0) {
    int r = sendmmsg(g->fd, o->smsg + off, o->n - off, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (r > 0) { off += (uint32_t)r; g->down += r; continue; }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break; /* socket full: UDP may drop */
    off++; /* this reply cannot be sent (EMSGSIZE, EPERM...): only it is dropped */
    g->down_drops++;
  }
  g->down_drops += o->n - off;
  o->n = 0;
  o->g = NULL;
}

/* The upstream sent (level-triggered): gather its replies, READ_BATCH per recvmmsg; a short read
 * means the socket is empty, so no extra call to learn EAGAIN. */
void rl_udp_readable(rl_env_t *e, rl_udp_t *u) {
  rl_listener_t *g = group_of(e, u);
  udp_out_t *o = out_of(e);
  if (!o || !g) return;
  for (int round = 0; round < READ_ROUNDS; round++) {
    if (o->n && (o->g != g || o->n == OUT_BATCH)) rl_udp_flush(e);
    uint32_t room = OUT_BATCH - o->n;
    if (room > READ_BATCH) room = READ_BATCH;
    for (uint32_t i = o->n; i < o->n + room; i++) o->rmsg[i].msg_hdr.msg_flags = 0;
    int r = recvmmsg(u->fd, o->rmsg + o->n, room, MSG_DONTWAIT, NULL);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      told(e, u, errno); /* ICMP port unreachable and the like, on a connected socket: once */
      continue;          /* the error is cleared by reporting it: read on */
    }
    o->g = g;
    for (int i = 0; i < r; i++, o->n++) {
      uint32_t len = o->rmsg[o->n].msg_len;
      o->siov[o->n].iov_len = len;
      memcpy(&o->to[o->n], &u->client, u->client_len);
      o->smsg[o->n].msg_hdr.msg_namelen = u->client_len;
      u->bytes_down += len;
    }
    if (r > 0) u->last_active = uv_now(e->loop);
    if ((uint32_t)r < room) return;
  }
}

/* ---- JS calls ------------------------------------------------------------------------------ */

static rl_udp_t *udp_arg(napi_env env, rl_env_t *e, napi_value v) {
  double id;
  if (napi_get_value_double(env, v, &id) != napi_ok || !(id >= 0)) return NULL;
  double gen = (double)(uint64_t)(id / RL_ID_SPAN);
  uint32_t slot = (uint32_t)(id - gen * RL_ID_SPAN);
  if (slot >= e->nuslots || !e->uslots[slot] || e->uslots[slot]->gen != (uint32_t)gen) return NULL;
  return e->uslots[slot];
}

static rl_listener_t *group_arg(napi_env env, rl_env_t *e, napi_value v) {
  uint32_t id;
  if (napi_get_value_uint32(env, v, &id) != napi_ok || id >= e->nlisteners || !e->listeners[id]) {
    napi_throw_range_error(env, "EINVAL", "unknown UDP group");
    return NULL;
  }
  return e->listeners[id];
}

static int record_to_sockaddr(const uint8_t *rec, struct sockaddr_storage *ss, socklen_t *len) {
  memset(ss, 0, sizeof *ss);
  if (rec[0] == 4) {
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    memcpy(&a->sin_port, rec + 2, 2);
    memcpy(&a->sin_addr, rec + 4, 4);
    *len = sizeof *a;
    return 0;
  }
  if (rec[0] == 6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
    a->sin6_family = AF_INET6;
    memcpy(&a->sin6_port, rec + 2, 2);
    memcpy(&a->sin6_addr, rec + 4, 16);
    *len = sizeof *a;
    return 0;
  }
  return -1;
}

static int bytes_arg(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  napi_valuetype t;
  bool is_ta = false;
  napi_typedarray_type type;
  napi_value ab;
  size_t off;
  *data = NULL;
  *len = 0;
  if (napi_typeof(env, v, &t) != napi_ok) return 0;
  if (t == napi_undefined || t == napi_null) return 1;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return 0;
  return napi_get_typedarray_info(env, v, &type, len, (void **)data, &ab, &off) == napi_ok && type == napi_uint8_array;
}

static void session_free(rl_env_t *e, rl_udp_t *u) {
  table_remove(e, group_of(e, u), u);
  close(u->fd);
  e->uslots[u->slot] = NULL;
  e->ufree[e->nufree++] = u->slot;
  free(u->head);
  free(u);
}

/* relayUdpGroup(fd) -> id: the UDP listener socket replies go out through (dup()ed here). */
static napi_value RelayUdpGroup(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  int32_t fd;
  rl_env_t *e = rl_get_env(env);
  if (!e) return NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(napi_get_value_int32(env, argv[0], &fd));
  if (fd < 0) return throw_errno(env, EBADF, "relayUdpGroup");
  rl_listener_t **ls = realloc(e->listeners, (e->nlisteners + 1) * sizeof *ls);
  rl_listener_t *l = calloc(1, sizeof *l);
  if (ls) e->listeners = ls;
  if (!ls || !l) { free(l); return throw_errno(env, ENOMEM, "relayUdpGroup"); }
  l->env = e;
  l->id = e->nlisteners;
  l->stopped = 1; /* never accepts */
  l->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (l->fd < 0) { int err = errno; free(l); return throw_errno(env, err, "dup"); }
  e->listeners[e->nlisteners++] = l;
  napi_create_uint32(env, l->id, &out);
  return out;
}

/* relayUdpGroupClose(id): closes the group's socket and table (close its sessions first). */
static napi_value RelayUdpGroupClose(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  rl_env_t *e = rl_get_env(env);
  if (!e) return NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  rl_listener_t *l = group_arg(env, e, argv[0]);
  if (!l) return NULL;
  udp_out_t *o = (udp_out_t *)e->udp_out;
  if (o && o->g == l) rl_udp_flush(e);
  if (l->fd >= 0) close(l->fd);
  l->fd = -1;
  for (uint32_t i = 0; i < e->nuslots; i++) /* sessions left open: out of the table, which goes */
    if (e->uslots[i] && e->uslots[i]->group == l->id) e->uslots[i]->next = 0;
  free(l->buckets);
  l->buckets = NULL;
  l->nbuckets = l->nsessions = 0;
  return NULL;
}

/* relayUdpGroupStats(id) -> { sessions, up, upDrops, down, downDrops }: datagrams C forwarded. */
static napi_value RelayUdpGroupStats(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  rl_env_t *e = rl_get_env(env);
  if (!e) return NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  rl_listener_t *l = group_arg(env, e, argv[0]);
  if (!l) return NULL;
  static const char *const keys[] = { "sessions", "up", "upDrops", "down", "downDrops" };
  const double values[] = { l->nsessions, l->up, l->up_drops, l->down, l->down_drops };
  return counters(env, keys, values, 5);
}

/* relayUdpOpen(group, upstream20, client20, head) -> session id; throws (EMFILE...). From now on
 * the client's datagrams that reach the group's batch loop go to this session in C. */
static napi_value RelayUdpOpen(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4], out;
  uint8_t *up, *cl, *head;
  size_t ulen, clen, hlen;
  rl_env_t *e = rl_get_env(env);
  if (!e) return NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  rl_listener_t *g = group_arg(env, e, argv[0]);
  if (!g) return NULL;
  if (!bytes_arg(env, argv[1], &up, &ulen) || !bytes_arg(env, argv[2], &cl, &clen) || !bytes_arg(env, argv[3], &head, &hlen) ||
      ulen < 20 || clen < 20) {
    napi_throw_type_error(env, "EINVAL", "relayUdpOpen: group, two address records and head bytes expected");
    return NULL;
  }
  if (g->fd < 0) return throw_errno(env, EBADF, "relayUdpOpen");
  struct sockaddr_storage ups;
  socklen_t uplen;
  rl_udp_t *u = calloc(1, sizeof *u);
  if (!u) return throw_errno(env, ENOMEM, "relayUdpOpen");
  if (record_to_sockaddr(up, &ups, &uplen) != 0 || record_to_sockaddr(cl, &u->client, &u->client_len) != 0) {
    free(u);
    napi_throw_type_error(env, "EINVAL", "relayUdpOpen: bad address record");
    return NULL;
  }
  if (hlen > 0) {
    u->head = malloc(hlen);
    if (!u->head) { free(u); return throw_errno(env, ENOMEM, "relayUdpOpen"); }
    memcpy(u->head, head, hlen);
    u->head_len = hlen;
  }
  u->fd = socket(ups.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int err = u->fd < 0 ? errno : 0;
  if (!err && connect(u->fd, (struct sockaddr *)&ups, uplen) != 0) err = errno;
  if (!err && e->nufree == 0) {
    uint32_t n = e->nuslots ? e->nuslots * 2 : 256;
    rl_udp_t **s = realloc(e->uslots, n * sizeof *s);
    if (s) e->uslots = s;
    uint32_t *f = s ? realloc(e->ufree, n * sizeof *f) : NULL;
    if (f) {
      e->ufree = f;
      for (uint32_t i = n; i > e->nuslots; i--) { e->uslots[i - 1] = NULL; e->ufree[e->nufree++] = i - 1; }
      e->nuslots = n;
    } else {
      err = ENOMEM;
    }
  }
  if (!err) err = table_grow(e, g);
  if (!err) {
    u->slot = e->ufree[--e->nufree];
    u->gen = ++e->gen & 0x3fffffffu;
    u->group = g->id;
    u->hash = client_hash(&u->client);
    u->last_active = uv_now(e->loop);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = RL_UDP_TAG | ((uint64_t)u->gen << 32) | u->slot };
    if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, u->fd, &ev) != 0) { err = errno; e->ufree[e->nufree++] = u->slot; }
  }
  if (err) {
    if (u->fd >= 0) close(u->fd);
    free(u->head);
    free(u);
    return throw_errno(env, err, "relayUdpOpen");
  }
  e->uslots[u->slot] = u;
  table_add(g, u);
  napi_create_double(env, session_id(u), &out);
  return out;
}

/* relayUdpSend(id, datagram) -> 0 or errno: head + datagram in one send on the connected socket
 * (the datagrams JS held while choosing the route; JS counts their bytes). */
static napi_value RelayUdpSend(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  uint8_t *data;
  size_t len;
  rl_env_t *e = rl_get_env(env);
  if (!e) return NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  rl_udp_t *u = udp_arg(env, e, argv[0]);
  if (!bytes_arg(env, argv[1], &data, &len)) { napi_throw_type_error(env, "EINVAL", "relayUdpSend: a Uint8Array expected"); return NULL; }
  int err = ESRCH;
  if (u) {
    err = send_up(u, data, len);
    if (err == 0) u->last_active = uv_now(e->loop);
  }
  napi_create_int32(env, err, &out);
  return out;
}

/* relayUdpState(id) -> [bytesDown, msSinceLastDatagram, bytesUp] (undefined for an unknown id);
 * bytesUp: what C forwarded. */
static napi_value RelayUdpState(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  rl_env_t *e = rl_get_env(env);
  if (!e) return NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  rl_udp_t *u = udp_arg(env, e, argv[0]);
  if (!u) { napi_get_undefined(env, &out); return out; }
  const double state[] = { u->bytes_down, (double)(uv_now(e->loop) - u->last_active), u->bytes_up };
  return numbers(env, state, 3);
}

/* relayUdpClose(id) -> [bytesUp (forwarded by C), bytesDown], undefined for an unknown id. */
static napi_value RelayUdpClose(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  rl_env_t *e = rl_get_env(env);
  if (!e) return NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  rl_udp_t *u = udp_arg(env, e, argv[0]);
  if (!u) { napi_get_undefined(env, &out); return out; }
  const double bytes[] = { u->bytes_up, u->bytes_down };
  out = numbers(env, bytes, 2);
  udp_out_t *o = (udp_out_t *)e->udp_out;
  if (o && o->n) rl_udp_flush(e); /* gathered replies do not point into the session, but go now */
  session_free(e, u);
  return out;
}

void rl_udp_cleanup(rl_env_t *e) {
  for (uint32_t i = 0; i < e->nuslots; i++) if (e->uslots[i]) session_free(e, e->uslots[i]);
  for (uint32_t i = 0; i < e->nlisteners; i++) {
    rl_listener_t *l = e->listeners[i];
    if (!l) continue;
    free(l->buckets);
    l->buckets = NULL;
    l->nbuckets = l->nsessions = 0;
  }
  udp_out_t *o = (udp_out_t *)e->udp_out;
  if (o) free(o->buf);
}

napi_status relay_udp_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "relayUdpGroup", NULL, RelayUdpGroup, NULL, NULL, NULL, napi_default, NULL },
    { "relayUdpGroupClose", NULL, RelayUdpGroupClose, NULL, NULL, NULL, napi_default, NULL },
    { "relayUdpGroupStats", NULL, RelayUdpGroupStats, NULL, NULL, NULL, napi_default, NULL },
    { "relayUdpOpen", NULL, RelayUdpOpen, NULL, NULL, NULL, napi_default, NULL },
    { "relayUdpSend", NULL, RelayUdpSend, NULL, NULL, NULL, napi_default, NULL },
    { "relayUdpState", NULL, RelayUdpState, NULL, NULL, NULL, napi_default, NULL },
    { "relayUdpClose", NULL, RelayUdpClose, NULL, NULL, NULL, napi_default, NULL },
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
