/* Response rate limiting for answers the cache repeats in C: the same token buckets as
 * src/net/rrl.ts, over the same memory (typed arrays JavaScript allocates and hands over), so an answer
 * from the cache and one from the engine count against one bucket. Keep the two in step. */
#ifndef GEODESIC_RRL_H
#define GEODESIC_RRL_H

#include <stddef.h>
#include <stdint.h>

enum { RRL_SEND = 0, RRL_SLIP = 1, RRL_DROP = 2 };

typedef struct {
  uint8_t family, prefix; /* 4 or 6; bits */
  uint8_t bytes[16];
} rrl_cidr_t;

typedef struct rrl_s {
  uint32_t *keys;   /* 0: empty */
  double *balance, *stamp;
  uint32_t *limited;
  double *counts;   /* [0] dropped, [1] slipped */
  uint32_t mask;
  double rate;
  uint32_t slip, v4_prefix, v6_prefix;
  rrl_cidr_t *exempt;
  uint32_t n_exempt;
  void *refs[5];    /* napi references keeping the arrays alive (addon.c) */
} rrl_t;

/* What to do with an answer with `token` to the client at addr (4 or 16 bytes) at `now_ms` (wall clock). */
int rrl_check(rrl_t *r, const uint8_t *addr, int v6, uint32_t token, double now_ms);

#endif
