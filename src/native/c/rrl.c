/* See rrl.h: the check of ResponseRateLimiter.check (src/net/rrl.ts), step for step. */
#include "rrl.h"

static int in_cidr(const rrl_cidr_t *c, const uint8_t *addr, int v6) {
  if ((c->family == 6) != (v6 != 0)) return 0;
  unsigned full = c->prefix >> 3, rest = c->prefix & 7;
  for (unsigned i = 0; i < full; i++) if (addr[i] != c->bytes[i]) return 0;
  if (rest == 0) return 1;
  uint8_t m = (uint8_t)(0xff << (8 - rest));
  return ((addr[full] ^ c->bytes[full]) & m) == 0;
}

int rrl_check(rrl_t *r, const uint8_t *addr, int v6, uint32_t token, double now_ms) {
  for (uint32_t i = 0; i < r->n_exempt; i++) if (in_cidr(&r->exempt[i], addr, v6)) return RRL_SEND;
  unsigned prefix_bytes = (v6 ? r->v6_prefix : r->v4_prefix) >> 3;
  uint32_t h = token ^ 0x9e3779b9u;
  for (unsigned i = 0; i < prefix_bytes; i++) h = (h ^ addr[i]) * 0x01000193u;
  h ^= v6 ? 6u : 4u;
  uint32_t key = h | 1u;
  uint32_t slot = (h ^ (h >> 16)) & r->mask;
  double rate = r->rate;
  if (r->keys[slot] != key) {
    r->keys[slot] = key;
    r->balance[slot] = rate - 1;
    r->stamp[slot] = now_ms;
    r->limited[slot] = 0;
    return RRL_SEND;
  }
  double elapsed = (now_ms - r->stamp[slot]) / 1000;
  r->stamp[slot] = now_ms;
  double refilled = r->balance[slot] + elapsed * rate;
  if (refilled > rate) refilled = rate;
  if (refilled >= 1) {
    r->balance[slot] = refilled - 1;
    return RRL_SEND;
  }
  r->balance[slot] = refilled;
  uint32_t n = ++r->limited[slot];
  if (r->slip > 0 && n % r->slip == 0) { r->counts[1]++; return RRL_SLIP; }
  r->counts[0]++;
  return RRL_DROP;
}
