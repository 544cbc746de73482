/* N-API glue: open(...) -> handle, port(handle), stats(handle), close(handle, cb), and the answer
 * cache: cacheCreate, cachePut, cacheClear, cacheStats, cacheTap, cacheTapTake, cacheRrl.
 * Plain node_api.h (no node-addon-api). Errors thrown carry `code` (EADDRINUSE...) and `syscall`. */
#include "udp.h"
#include "relay-loop.h"
#include "rrl.h"
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, "EINVAL", #call " failed"); return NULL; } } while (0)

napi_value throw_errno(napi_env env, int err, const char *syscall) {
  napi_value msg, code, error, sc;
  const char *name = uv_err_name(-err);
  char text[256];
  snprintf(text, sizeof text, "%s %s: %s", syscall, name, strerror(err));
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg);
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, msg, &error);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &sc);
  napi_set_named_property(env, error, "syscall", sc);
  napi_throw(env, error);
  return NULL;
}

static void on_env_cleanup(napi_async_cleanup_hook_handle handle, void *arg) {
  udp_t *u = (udp_t *)arg;
  (void)handle;
  u->teardown = 1;
  udp_loop_close(u);
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  udp_t *u = (udp_t *)data;
  (void)env; (void)hint;
  u->external_gone = 1;
  udp_maybe_free(u);
}

void udp_call_js(udp_t *u, uint32_t count) {
  napi_env env = u->env;
  napi_handle_scope scope;
  napi_value cb, recv, argv[1], result;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_get_reference_value(env, u->on_batch, &cb);
  napi_get_reference_value(env, u->resource, &recv);
  napi_create_uint32(env, count, &argv[0]);
  u->in_callback = 1;
  napi_status s = napi_make_callback(env, u->actx, recv, cb, 1, argv, &result);
  u->in_callback = 0;
  if (s != napi_ok) {
    bool pending = false;
    memset(u->tx_len, 0, (size_t)count * sizeof(int32_t)); /* no replies from a failed batch */
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value e;
      napi_get_and_clear_last_exception(env, &e);
      napi_fatal_exception(env, e); /* 'uncaughtException', as a throwing dgram listener would */
    }
  }
  napi_close_handle_scope(env, scope);
}

void udp_call_close_js(udp_t *u) {
  napi_env env = u->env;
  napi_handle_scope scope;
  napi_value cb, recv, result;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  if (u->on_close) {
    napi_get_reference_value(env, u->on_close, &cb);
    napi_get_reference_value(env, u->resource, &recv);
    napi_make_callback(env, u->actx, recv, cb, 0, NULL, &result);
    napi_delete_reference(env, u->on_close);
    u->on_close = NULL;
  }
  for (int i = 0; i < UDP_BUFFERS; i++) napi_delete_reference(env, u->bufs[i]);
  napi_delete_reference(env, u->on_batch);
  napi_delete_reference(env, u->resource);
  if (u->cache_ref) napi_delete_reference(env, u->cache_ref);
  u->cache = NULL;
  napi_async_destroy(env, u->actx);
  napi_close_handle_scope(env, scope);
}

static int get_buffer(napi_env env, napi_value v, size_t need, void **data, napi_ref *ref) {
  bool is_ab = false;
  size_t len = 0;
  if (napi_is_arraybuffer(env, v, &is_ab) != napi_ok || !is_ab) return 0;
  if (napi_get_arraybuffer_info(env, v, data, &len) != napi_ok || len < need) return 0;
  return napi_create_reference(env, v, 1, ref) == napi_ok;
}

/* open(family, host, port, slot, batch, maxBatches, rx, rxLen, addr, tx, txLen, onBatch, resource[, cache]) */
static napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 14;
  napi_value argv[14], name, handle;
  int32_t family, port;
  uint32_t slot, batch, max_batches;
  char host[64];
  size_t host_len;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 13) { napi_throw_type_error(env, "EINVAL", "open: 13 arguments expected"); return NULL; }
  CHECK(napi_get_value_int32(env, argv[0], &family));
  CHECK(napi_get_value_string_utf8(env, argv[1], host, sizeof host, &host_len));
  CHECK(napi_get_value_int32(env, argv[2], &port));
  CHECK(napi_get_value_uint32(env, argv[3], &slot));
  CHECK(napi_get_value_uint32(env, argv[4], &batch));
  CHECK(napi_get_value_uint32(env, argv[5], &max_batches));
  if ((family != 4 && family != 6) || port < 0 || port > 65535 || slot < 12 || slot > 65536 ||
      batch < 1 || batch > UDP_MAX_BATCH || max_batches < 1) {
    napi_throw_range_error(env, "EINVAL", "open: bad family, port, slot or batch");
    return NULL;
  }
  udp_t *u = calloc(1, sizeof *u);
  if (!u) return throw_errno(env, ENOMEM, "calloc");
  u->env = env; u->slot = slot; u->batch = batch; u->max_batches = max_batches; u->fd = -1;
  size_t pkt = (size_t)slot * batch;
  void *p[UDP_BUFFERS];
  size_t need[UDP_BUFFERS] = { pkt, batch * 4, (size_t)batch * UDP_ADDR_BYTES, pkt, batch * 4 };
  int nrefs = 0;
  for (; nrefs < UDP_BUFFERS; nrefs++)
    if (!get_buffer(env, argv[6 + nrefs], need[nrefs], &p[nrefs], &u->bufs[nrefs])) break;
  u->rmsg = calloc(batch, sizeof *u->rmsg); u->smsg = calloc(batch, sizeof *u->smsg);
  u->riov = calloc(batch, sizeof *u->riov); u->siov = calloc(batch, sizeof *u->siov);
  u->peers = calloc(batch, sizeof *u->peers);
  napi_valuetype cache_type = napi_undefined;
  if (argc >= 14) napi_typeof(env, argv[13], &cache_type);
  if (cache_type == napi_external) {
    void *c = NULL;
    napi_get_value_external(env, argv[13], &c);
    u->cache = (answer_cache_t *)c;
    u->hit_tx = malloc(pkt); u->hmsg = calloc(batch, sizeof *u->hmsg);
    u->hiov = calloc(batch, sizeof *u->hiov); u->hpeers = calloc(batch, sizeof *u->hpeers);
  }
  int fail_errno = 0;
  const char *syscall = "open";
  if (nrefs < UDP_BUFFERS) {
    napi_throw_range_error(env, "EINVAL", "open: shared buffers missing or too small");
  } else if (!u->rmsg || !u->smsg || !u->riov || !u->siov || !u->peers ||
             (u->cache && (!u->hit_tx || !u->hmsg || !u->hiov || !u->hpeers))) {
    fail_errno = ENOMEM; syscall = "calloc";
  } else {
    int fd = udp_socket_open(family, host, port, &syscall);
    if (fd < 0) fail_errno = -fd; else u->fd = fd;
  }
  if (nrefs < UDP_BUFFERS || fail_errno) {
    for (int i = 0; i < nrefs; i++) napi_delete_reference(env, u->bufs[i]);
    if (u->fd >= 0) close(u->fd);
    u->closed = u->external_gone = 1;
    udp_maybe_free(u);
    return fail_errno ? throw_errno(env, fail_errno, syscall) : NULL;
  }
  u->rx = p[0]; u->rx_len = p[1]; u->addr = p[2]; u->tx = p[3]; u->tx_len = p[4];
  CHECK(napi_create_reference(env, argv[11], 1, &u->on_batch));
  CHECK(napi_create_reference(env, argv[12], 1, &u->resource));
  if (u->cache) CHECK(napi_create_reference(env, argv[13], 1, &u->cache_ref));
  CHECK(napi_create_string_utf8(env, "GeodesicUdp", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_async_init(env, argv[12], name, &u->actx));
  int r = udp_loop_start(u);
  if (r != 0 && u->poll.data) { /* initialised but not started: close it the normal way */
    u->external_gone = 1;
    udp_loop_close(u);
    return throw_errno(env, -r, "uv_poll_start");
  }
  if (r != 0) { /* no poll handle: release everything here */
    close(u->fd);
    for (int i = 0; i < UDP_BUFFERS; i++) napi_delete_reference(env, u->bufs[i]);
    napi_delete_reference(env, u->on_batch);
    napi_delete_reference(env, u->resource);
    if (u->cache_ref) napi_delete_reference(env, u->cache_ref);
    napi_async_destroy(env, u->actx);
    u->closed = u->external_gone = 1;
    udp_maybe_free(u);
    return throw_errno(env, -r, "uv_poll_start");
  }
  napi_add_async_cleanup_hook(env, on_env_cleanup, u, &u->cleanup);
  CHECK(napi_create_external(env, u, finalize_handle, NULL, &handle));
  return handle;
}

/* The first argument as the C object of an external (a UDP handle or a cache). */
static void *external_arg(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv, const char *what) {
  void *data = NULL;
  if (napi_get_cb_info(env, info, argc, argv, NULL, NULL) != napi_ok || *argc < 1 ||
      napi_get_value_external(env, argv[0], &data) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", what);
    return NULL;
  }
  return data;
}

static udp_t *unwrap(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  return (udp_t *)external_arg(env, info, argc, argv, "expected a UDP handle");
}

/* fd(handle): the socket's descriptor (-1 once closing), for the relay's UDP sessions (relay-loop.c
 * dup()s it). */
static napi_value Fd(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  udp_t *u = unwrap(env, info, &argc, argv);
  if (!u) return NULL;
  napi_create_int32(env, u->closing ? -1 : u->fd, &out);
  return out;
}

static napi_value Port(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  udp_t *u = unwrap(env, info, &argc, argv);
  if (!u) return NULL;
  int port = u->closing ? -EBADF : udp_socket_port(u->fd);
  if (port < 0) return throw_errno(env, -port, "getsockname");
  napi_create_int32(env, port, &out);
  return out;
}

/* An object of n numeric counters. */
napi_value counters(napi_env env, const char *const *keys, const double *values, int n) {
  napi_value out, v;
  napi_create_object(env, &out);
  for (int i = 0; i < n; i++) {
    napi_create_double(env, values[i], &v);
    napi_set_named_property(env, out, keys[i], v);
  }
  return out;
}

/* An array of n numbers. */
napi_value numbers(napi_env env, const double *values, int n) {
  napi_value out, v;
  if (napi_create_array_with_length(env, (size_t)n, &out) != napi_ok) return NULL;
  for (int i = 0; i < n; i++) {
    napi_create_double(env, values[i], &v);
    napi_set_element(env, out, (uint32_t)i, v);
  }
  return out;
}

static napi_value Stats(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  udp_t *u = unwrap(env, info, &argc, argv);
  if (!u) return NULL;
  static const char *const keys[] = { "batches", "rxPackets", "txPackets", "droppedOversize", "sendErrors", "recvErrors", "forwarded" };
  const double values[] = { u->batches, u->rx_packets, u->tx_packets, u->dropped_oversize, u->send_errors, u->recv_errors, u->forwarded };
  return counters(env, keys, values, 7);
}

/* forwardTo(handle, group): the datagrams of clients with a session in that relay UDP group
 * (relay-udp.c) go to it in C, before the batch reaches JavaScript; -1 stops it. */
static napi_value ForwardTo(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t group;
  udp_t *u = unwrap(env, info, &argc, argv);
  if (!u) return NULL;
  if (argc < 2 || napi_get_value_int32(env, argv[1], &group) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", "forwardTo: a group id expected");
    return NULL;
  }
  u->relay_group = group >= 0 ? (uint32_t)group + 1 : 0;
  return NULL;
}

/* close(handle, cb): cb runs once the fd is closed (next loop turn). */
static napi_value Close(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  udp_t *u = unwrap(env, info, &argc, argv);
  if (!u) return NULL;
  if (u->closing || u->closed) return NULL;
  if (argc >= 2) napi_create_reference(env, argv[1], 1, &u->on_close);
  udp_loop_close(u);
  return NULL;
}

static int bytes_of(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  napi_typedarray_type type;
  napi_value ab;
  size_t off;
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return 0;
  if (napi_get_typedarray_info(env, v, &type, len, (void **)data, &ab, &off) != napi_ok) return 0;
  return type == napi_uint8_array;
}

/* sendTo(handle, data: Uint8Array, addr: Uint8Array of UDP_ADDR_BYTES) -> boolean: one datagram
 * now (MSG_DONTWAIT). false when it could not go (socket full, closed, refused): counted in sendErrors. */
static napi_value SendTo(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], out;
  udp_t *u = unwrap(env, info, &argc, argv);
  uint8_t *data, *a;
  size_t len, alen;
  if (!u) return NULL;
  if (argc < 3 || !bytes_of(env, argv[1], &data, &len) || !bytes_of(env, argv[2], &a, &alen) ||
      alen < UDP_ADDR_BYTES || (a[0] != 4 && a[0] != 6)) {
    napi_throw_type_error(env, "EINVAL", "sendTo: data and a 20-byte address record (Uint8Arrays) expected");
    return NULL;
  }
  struct sockaddr_storage ss;
  socklen_t sl = udp_record_sockaddr(a, &ss);
  ssize_t n = -1;
  if (!u->closing && !u->closed) {
    do n = sendto(u->fd, data, len, MSG_DONTWAIT, (struct sockaddr *)&ss, sl); while (n < 0 && errno == EINTR);
  }
  if (n < 0) u->send_errors++; else u->tx_packets++;
  napi_get_boolean(env, n >= 0, &out);
  return out;
}

static void free_rrl(napi_env env, answer_cache_t *c) {
  rrl_t *r = c->rrl;
  if (!r) return;
  for (int i = 0; i < 5; i++) if (r->refs[i]) napi_delete_reference(env, (napi_ref)r->refs[i]);
  free(r->exempt);
  free(r);
  c->rrl = NULL;
}

static void finalize_cache(napi_env env, void *data, void *hint) {
  (void)hint;
  free_rrl(env, (answer_cache_t *)data);
  cache_free((answer_cache_t *)data);
}

/* cacheCreate(slots (power of 2), maxAnswer) -> cache */
static napi_value CacheCreate(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  uint32_t slots, max_answer;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(napi_get_value_uint32(env, argv[0], &slots));
  CHECK(napi_get_value_uint32(env, argv[1], &max_answer));
  if (slots < 1 || slots > (1u << 24) || (slots & (slots - 1)) || max_answer < 12 || max_answer > 65535) {
    napi_throw_range_error(env, "EINVAL", "cacheCreate: slots must be a power of 2 up to 2^24, maxAnswer 12..65535");
    return NULL;
  }
  answer_cache_t *c = cache_create(slots, max_answer);
  if (!c) return throw_errno(env, ENOMEM, "calloc");
  CHECK(napi_create_external(env, c, finalize_cache, NULL, &out));
  return out;
}

static answer_cache_t *unwrap_cache(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  return (answer_cache_t *)external_arg(env, info, argc, argv, "expected an answer cache");
}


/* cachePut(cache, query: Uint8Array, answer: Uint8Array[, rrlToken: uint32]) -> slot (>= 0), or -1 when
 * not cacheable */
static napi_value CachePut(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4], out;
  answer_cache_t *c = unwrap_cache(env, info, &argc, argv);
  uint8_t *q, *a;
  size_t qlen, alen;
  uint32_t token = 0;
  if (!c) return NULL;
  if (argc < 3 || !bytes_of(env, argv[1], &q, &qlen) || !bytes_of(env, argv[2], &a, &alen)) {
    napi_throw_type_error(env, "EINVAL", "cachePut: query and answer must be Uint8Arrays");
    return NULL;
  }
  if (argc >= 4) napi_get_value_uint32(env, argv[3], &token);
  napi_create_int64(env, cache_put(c, q, qlen, a, alen, token) - 1, &out);
  return out;
}

/* cacheRrl(cache, keys, balance, stamp, limited, counts (ArrayBuffers of rrl.ts's typed arrays), rate, slip,
 * ipv4Prefix, ipv6Prefix, exempt: Uint8Array of 18-byte entries [family, prefix, 16 address bytes]):
 * hits are rate limited over the same buckets as the engine's answers. */
static napi_value CacheRrl(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  answer_cache_t *c = unwrap_cache(env, info, &argc, argv);
  if (!c) return NULL;
  rrl_t *r = calloc(1, sizeof *r);
  if (!r) return throw_errno(env, ENOMEM, "calloc");
  void *keys, *balance, *stamp, *limited, *counts;
  napi_ref refs[5] = { NULL, NULL, NULL, NULL, NULL };
  size_t keys_len = 0, ex_len = 0;
  uint8_t *ex = NULL;
  bool ok = argc == 11 && get_buffer(env, argv[1], 4, &keys, &refs[0]) &&
    napi_get_arraybuffer_info(env, argv[1], &keys, &keys_len) == napi_ok &&
    get_buffer(env, argv[2], keys_len * 2, &balance, &refs[1]) && get_buffer(env, argv[3], keys_len * 2, &stamp, &refs[2]) &&
    get_buffer(env, argv[4], keys_len, &limited, &refs[3]) && get_buffer(env, argv[5], 16, &counts, &refs[4]) &&
    napi_get_value_double(env, argv[6], &r->rate) == napi_ok && napi_get_value_uint32(env, argv[7], &r->slip) == napi_ok &&
    napi_get_value_uint32(env, argv[8], &r->v4_prefix) == napi_ok && napi_get_value_uint32(env, argv[9], &r->v6_prefix) == napi_ok &&
    bytes_of(env, argv[10], &ex, &ex_len) && ex_len % 18 == 0;
  uint32_t slots = (uint32_t)(keys_len / 4);
  if (!ok || slots == 0 || (slots & (slots - 1)) || r->v4_prefix > 32 || r->v6_prefix > 128) {
    for (int i = 0; i < 5; i++) if (refs[i]) napi_delete_reference(env, refs[i]);
    free(r);
    napi_throw_type_error(env, "EINVAL", "cacheRrl: expected the rate limiter's buffers (a power of 2 of buckets) and settings");
    return NULL;
  }
  r->n_exempt = (uint32_t)(ex_len / 18);
  r->exempt = calloc(r->n_exempt ? r->n_exempt : 1, sizeof *r->exempt);
  if (!r->exempt) {
    for (int i = 0; i < 5; i++) napi_delete_reference(env, refs[i]);
    free(r);
    return throw_errno(env, ENOMEM, "calloc");
  }
  for (uint32_t i = 0; i < r->n_exempt; i++) {
    r->exempt[i].family = ex[i * 18];
    r->exempt[i].prefix = ex[i * 18 + 1];
    memcpy(r->exempt[i].bytes, ex + i * 18 + 2, 16);
  }
  r->keys = keys; r->balance = balance; r->stamp = stamp; r->limited = limited; r->counts = counts;
  r->mask = slots - 1;
  for (int i = 0; i < 5; i++) r->refs[i] = refs[i];
  free_rrl(env, c);
  c->rrl = r;
  return NULL;
}

/* cacheTap(cache, bytes): keeps a record of every hit in a buffer of `bytes` (0: stops) */
static napi_value CacheTap(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint32_t bytes;
  answer_cache_t *c = unwrap_cache(env, info, &argc, argv);
  if (!c) return NULL;
  if (argc < 2 || napi_get_value_uint32(env, argv[1], &bytes) != napi_ok || (bytes && bytes < 65536)) {
    napi_throw_range_error(env, "EINVAL", "cacheTap: bytes must be 0 or at least 65536");
    return NULL;
  }
  if (!cache_tap_start(c, bytes)) return throw_errno(env, ENOMEM, "malloc");
  return NULL;
}

/* cacheTapTake(cache, out: Uint8Array) -> bytes of whole hit records moved into out */
static napi_value CacheTapTake(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  uint8_t *dst;
  size_t cap;
  answer_cache_t *c = unwrap_cache(env, info, &argc, argv);
  if (!c) return NULL;
  if (argc < 2 || !bytes_of(env, argv[1], &dst, &cap)) {
    napi_throw_type_error(env, "EINVAL", "cacheTapTake: out must be a Uint8Array");
    return NULL;
  }
  napi_create_uint32(env, (uint32_t)cache_tap_take(c, dst, cap), &out);
  return out;
}

static napi_value CacheClear(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  answer_cache_t *c = unwrap_cache(env, info, &argc, argv);
  if (c) cache_clear(c);
  return NULL;
}

static napi_value CacheStats(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  answer_cache_t *c = unwrap_cache(env, info, &argc, argv);
  if (!c) return NULL;
  static const char *const keys[] = { "entries", "hits", "misses", "puts", "tapDropped" };
  const double values[] = { c->entries, c->hits, c->misses, c->puts, c->tap_dropped };
  return counters(env, keys, values, 5);
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "open", NULL, Open, NULL, NULL, NULL, napi_default, NULL },
    { "port", NULL, Port, NULL, NULL, NULL, napi_default, NULL },
    { "fd", NULL, Fd, NULL, NULL, NULL, napi_default, NULL },
    { "stats", NULL, Stats, NULL, NULL, NULL, napi_default, NULL },
    { "forwardTo", NULL, ForwardTo, NULL, NULL, NULL, napi_default, NULL },
    { "sendTo", NULL, SendTo, NULL, NULL, NULL, napi_default, NULL },
    { "close", NULL, Close, NULL, NULL, NULL, napi_default, NULL },
    { "cacheCreate", NULL, CacheCreate, NULL, NULL, NULL, napi_default, NULL },
    { "cachePut", NULL, CachePut, NULL, NULL, NULL, napi_default, NULL },
    { "cacheClear", NULL, CacheClear, NULL, NULL, NULL, napi_default, NULL },
    { "cacheStats", NULL, CacheStats, NULL, NULL, NULL, napi_default, NULL },
    { "cacheTap", NULL, CacheTap, NULL, NULL, NULL, napi_default, NULL },
    { "cacheRrl", NULL, CacheRrl, NULL, NULL, NULL, napi_default, NULL },
    { "cacheTapTake", NULL, CacheTapTake, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  relay_register(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
