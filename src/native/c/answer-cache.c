/* Answer cache (see answer-cache.h). A query is cacheable when it is a plain standard query: QR=0,
 * OPCODE=0, one question, no answer/authority records, and either no additional record or a single
 * OPT (version 0, no flags but DO, no options) - so ECS, cookies, NSID, TSIG always reach JavaScript.
 * The key holds the lowercased QNAME, QTYPE, QCLASS, the header flag bits as sent, EDNS presence, DO
 * and the exact EDNS UDP size: every input of the answer except the ID and the QNAME's letter case,
 * which a hit copies from the query. */
#include "answer-cache.h"
#include <stdlib.h>
#include <string.h>

answer_cache_t *cache_create(uint32_t slots_pow2, uint32_t max_answer) {
  answer_cache_t *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->slots = calloc(slots_pow2, sizeof *c->slots);
  if (!c->slots) { free(c); return NULL; }
  c->mask = slots_pow2 - 1;
  c->max_answer = max_answer;
  return c;
}

void cache_clear(answer_cache_t *c) {
  for (uint32_t i = 0; i <= c->mask; i++) {
    free(c->slots[i].data);
    memset(&c->slots[i], 0, sizeof c->slots[i]);
  }
  c->entries = 0;
}

void cache_free(answer_cache_t *c) {
  cache_clear(c);
  free(c->slots);
  free(c->tap);
  free(c); /* c->rrl is freed by its owner (addon.c) */
}

int cache_tap_start(answer_cache_t *c, size_t bytes) {
  free(c->tap);
  c->tap = NULL;
  c->tap_cap = c->tap_len = 0;
  if (!bytes) return 1;
  c->tap = malloc(bytes);
  if (!c->tap) return 0;
  c->tap_cap = bytes;
  return 1;
}

int64_t cache_tap_hit(answer_cache_t *c, uint32_t slot, const uint8_t *addr20, const uint8_t *q, size_t qlen,
                      size_t alen, double time_ms) {
  size_t n = CACHE_TAP_HEADER + qlen;
  if (n > 0xffff || c->tap_len + n > c->tap_cap) { c->tap_dropped++; return -1; }
  uint8_t *r = c->tap + c->tap_len;
  uint16_t len16 = (uint16_t)n, alen16 = (uint16_t)alen;
  uint32_t zero = 0;
  memcpy(r, &len16, 2);
  memcpy(r + 2, &alen16, 2);
  memcpy(r + 4, &slot, 4);
  memcpy(r + 8, &time_ms, 8);
  memcpy(r + 16, &zero, 4);
  memcpy(r + 20, addr20, 20);
  memcpy(r + CACHE_TAP_HEADER, q, qlen);
  int64_t at = (int64_t)c->tap_len;
  c->tap_len += n;
  return at;
}

void cache_tap_time(answer_cache_t *c, size_t from, uint32_t ns) {
  while (from + CACHE_TAP_HEADER <= c->tap_len) {
    uint16_t n;
    memcpy(&n, c->tap + from, 2);
    memcpy(c->tap + from + 16, &ns, 4);
    from += n;
  }
}

size_t cache_tap_take(answer_cache_t *c, uint8_t *out, size_t cap) {
  size_t n = 0;
  while (n + 2 <= c->tap_len) {
    uint16_t len;
    memcpy(&len, c->tap + n, 2);
    if (n + len > cap) break;
    n += len;
  }
  memcpy(out, c->tap, n);
  memmove(c->tap, c->tap + n, c->tap_len - n);
  c->tap_len -= n;
  return n;
}

static uint64_t fnv1a(const uint8_t *p, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 1099511628211ULL; }
  return h;
}

size_t cache_key(const uint8_t *q, size_t len, uint8_t *key, size_t *qname_len) {
  if (len < 17) return 0;
  if ((q[2] & 0xf8) != 0) return 0;                          /* QR=0, OPCODE=0 (AA/TC ignored below) */
  if (q[4] != 0 || q[5] != 1 || q[6] | q[7] | q[8] | q[9]) return 0; /* QD=1, AN=NS=0 */
  unsigned ar = (unsigned)(q[10] << 8 | q[11]);
  if (ar > 1) return 0;
  size_t off = 12, k = 0;
  for (;;) {
    if (off >= len) return 0;
    uint8_t l = q[off];
    if (l == 0) break;
    if (l > 63 || off + 1 + l > len || k + 1 + l > 255) return 0;
    key[k++] = l;
    for (uint8_t j = 1; j <= l; j++) {
      uint8_t ch = q[off + j];
      key[k++] = (ch >= 'A' && ch <= 'Z') ? (uint8_t)(ch | 0x20) : ch;
    }
    off += 1 + (size_t)l;
  }
  key[k++] = 0;
  *qname_len = off + 1 - 12;
  off += 1;
  if (off + 4 > len) return 0;
  memcpy(key + k, q + off, 4); k += 4;                     /* QTYPE, QCLASS */
  off += 4;
  uint8_t edns = 0;
  uint8_t size[2] = { 0, 0 };
  if (ar == 1) {                                             /* exactly one bare OPT, version 0 */
    if (off + 11 != len || q[off] != 0 || q[off + 1] != 0 || q[off + 2] != 41) return 0;
    if (q[off + 6] != 0 || q[off + 9] != 0 || q[off + 10] != 0) return 0; /* ext-rcode, version, rdlen */
    if ((q[off + 7] & 0x7f) != 0 || q[off + 8] != 0) return 0; /* unknown EDNS flags: let JS see them */
    edns = (q[off + 7] & 0x80) ? 3 : 1;                     /* present, DO */
    size[0] = q[off + 3]; size[1] = q[off + 4];
  } else if (off != len) {
    return 0;
  }
  key[k++] = q[2] & 0x07;                                    /* AA, TC, RD as sent */
  key[k++] = q[3];                                           /* RA, Z, AD, CD, RCODE as sent */
  key[k++] = edns;
  key[k++] = size[0];
  key[k++] = size[1];
  return k;
}

static int same_question(const uint8_t *q, const uint8_t *a, size_t alen, size_t qname_len) {
  if (alen < 12 + qname_len + 4 || a[4] != 0 || a[5] != 1) return 0;
  for (size_t i = 0; i < qname_len + 4; i++) {
    uint8_t x = q[12 + i], y = a[12 + i];
    if (x >= 'A' && x <= 'Z') x |= 0x20;
    if (y >= 'A' && y <= 'Z') y |= 0x20;
    if (x != y) return 0;
  }
  return 1;
}

int64_t cache_put(answer_cache_t *c, const uint8_t *q, size_t qlen, const uint8_t *a, size_t alen, uint32_t rrl_token) {
  uint8_t key[CACHE_KEY_MAX];
  size_t qname_len;
  size_t klen = cache_key(q, qlen, key, &qname_len);
  if (!klen || alen > c->max_answer || !same_question(q, a, alen, qname_len)) return 0;
  uint8_t *data = malloc(klen + alen);
  if (!data) return 0;
  memcpy(data, key, klen);
  memcpy(data + klen, a, alen);
  uint64_t h = fnv1a(key, klen);
  cache_slot_t *s = &c->slots[h & c->mask];
  if (!s->data) c->entries++;
  free(s->data);
  s->hash = h; s->key_len = (uint16_t)klen; s->answer_len = (uint16_t)alen; s->data = data; s->rrl_token = rrl_token;
  c->puts++;
  return (int64_t)(h & c->mask) + 1;
}

size_t cache_answer(answer_cache_t *c, const uint8_t *q, size_t qlen, uint8_t *out, size_t cap, uint32_t *slot,
                    size_t *qname_out) {
  uint8_t key[CACHE_KEY_MAX];
  size_t qname_len;
  size_t klen = cache_key(q, qlen, key, &qname_len);
  if (!klen) { c->misses++; return 0; }
  uint64_t h = fnv1a(key, klen);
  cache_slot_t *s = &c->slots[h & c->mask];
  if (!s->data || s->hash != h || s->key_len != klen || memcmp(s->data, key, klen) != 0 || s->answer_len > cap) {
    c->misses++;
    return 0;
  }
  memcpy(out, s->data + klen, s->answer_len);
  out[0] = q[0]; out[1] = q[1];                 /* ID */
  memcpy(out + 12, q + 12, qname_len);          /* QNAME as the client wrote it (0x20) */
  c->hits++;
  *slot = (uint32_t)(h & c->mask);
  *qname_out = qname_len;
  return s->answer_len;
}
