/* Batched UDP socket for Geodesic: recvmmsg/sendmmsg driven by libuv readiness.
 * Buffers are owned by JavaScript (ArrayBuffers held by napi references) and shared with C. */
#ifndef GEODESIC_UDP_H
#define GEODESIC_UDP_H

#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>
#include <uv.h>
#include <stdint.h>
#include <sys/socket.h>
#include "answer-cache.h"

#define UDP_ADDR_BYTES 20 /* per packet: [0]=4|6, [1]=0, [2..3]=port BE, [4..19]=address */
#define UDP_MAX_BATCH 1024
#define UDP_BUFFERS 5     /* rx, rxLen, addr, tx, txLen */

typedef struct udp_s {
  napi_env env;
  uv_poll_t poll;
  int fd;
  int events;             /* current uv_poll events */
  uint32_t slot, batch, max_batches;
  uint8_t *rx, *addr, *tx;
  int32_t *rx_len, *tx_len;
  napi_ref bufs[UDP_BUFFERS];
  napi_ref on_batch;      /* JS: (count) => void */
  napi_ref resource;      /* receiver object for napi_make_callback */
  napi_ref on_close;      /* JS: () => void, set by close() */
  napi_async_context actx;
  napi_async_cleanup_hook_handle cleanup;
  struct mmsghdr *rmsg, *smsg;
  struct iovec *riov, *siov;
  struct sockaddr_storage *peers;
  /* answer cache (optional): hits are answered here from hit_tx and never reach JavaScript */
  answer_cache_t *cache;
  napi_ref cache_ref;
  uint8_t *hit_tx;
  struct mmsghdr *hmsg;
  struct iovec *hiov;
  struct sockaddr_storage *hpeers;
  uint32_t pend_off, pend_n;  /* replies waiting for the socket to become writable */
  /* relay sessions (optional): 1 + the relay-udp.c group whose sessions get their clients'
   * datagrams here, in C; only the other datagrams reach JavaScript (0: none) */
  uint32_t relay_group;
  int in_callback, closing, closed, teardown, external_gone;
  /* counters (diagnostics) */
  double batches, rx_packets, tx_packets, dropped_oversize, send_errors, recv_errors, forwarded;
} udp_t;

/* udp-socket.c: create + bind a non-blocking UDP socket; returns fd or -errno; *syscall names the
 * failing call. */
int udp_socket_open(int family, const char *host, int port, const char **syscall);
int udp_socket_port(int fd);

/* udp-loop.c */
socklen_t udp_record_sockaddr(const uint8_t *rec, struct sockaddr_storage *ss); /* 20-byte record -> sockaddr */
int udp_loop_start(udp_t *u);          /* 0 or uv error */
void udp_loop_close(udp_t *u);         /* stop polling, close fd after uv_close; frees when allowed */
void udp_maybe_free(udp_t *u);

/* addon.c: hand one batch of `count` packets to JavaScript; returns 0 on success */
void udp_call_js(udp_t *u, uint32_t count);
void udp_call_close_js(udp_t *u);

#endif
