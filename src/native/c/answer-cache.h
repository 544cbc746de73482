/* Answer cache consulted inside the batch loop: question bytes (+ the header and EDNS bits an answer
 * depends on) -> an encoded answer, filled and cleared only by JavaScript. Direct-mapped. */
#ifndef GEODESIC_ANSWER_CACHE_H
#define GEODESIC_ANSWER_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define CACHE_KEY_MAX 272 /* 255 name + type, class, flags, EDNS size */

typedef struct {
  uint64_t hash;
  uint16_t key_len, answer_len;
  uint32_t rrl_token;  /* the engine's response rate limiting token of the answer */
  uint8_t *data; /* key_len bytes of key, then answer_len bytes of answer */
} cache_slot_t;

struct rrl_s;

/* The tap (optional): while someone must see every query (query log, per-query metrics), each hit
 * leaves a record here that JavaScript takes in bulk (cache_tap_take). Layout, little-endian:
 *   [0] u16 record length  [2] u16 answer length  [4] u32 slot  [8] f64 wall-clock ms of the batch
 *   [16] u32 ns spent per hit in the batch  [20..40) the client (20-byte address record of udp.h)
 *   [40...] the query as received. */
#define CACHE_TAP_HEADER 40

typedef struct {
  cache_slot_t *slots;
  uint32_t mask;
  uint32_t max_answer;
  double hits, misses, puts, entries;
  uint8_t *tap;
  size_t tap_cap, tap_len;
  double tap_dropped;
  struct rrl_s *rrl;  /* response rate limiting of hits (rrl.h), or NULL */
} answer_cache_t;

answer_cache_t *cache_create(uint32_t slots_pow2, uint32_t max_answer);
void cache_clear(answer_cache_t *c);
void cache_free(answer_cache_t *c);

/* Builds the key of a query; returns its length, 0 when the query is not cacheable, and sets
 * *qname_len (wire length of QNAME, at offset 12). */
size_t cache_key(const uint8_t *q, size_t len, uint8_t *key, size_t *qname_len);

/* Stores answer for query; returns the slot it went to + 1, or 0 when the query is not cacheable or the
 * answer does not echo its question. */
int64_t cache_put(answer_cache_t *c, const uint8_t *q, size_t qlen, const uint8_t *a, size_t alen, uint32_t rrl_token);

/* Writes the answer for query q into out (room: cap bytes) with q's ID and QNAME case; returns its
 * length or 0 on a miss; *slot is the slot it came from, *qname_len the QNAME's wire length. */
size_t cache_answer(answer_cache_t *c, const uint8_t *q, size_t qlen, uint8_t *out, size_t cap, uint32_t *slot,
                    size_t *qname_len);

/* Starts (bytes > 0) or stops (0) the tap; 0 when out of memory. */
int cache_tap_start(answer_cache_t *c, size_t bytes);
/* Appends the record of one hit (a full tap drops it and counts it); returns its offset or -1. */
int64_t cache_tap_hit(answer_cache_t *c, uint32_t slot, const uint8_t *addr20, const uint8_t *q, size_t qlen,
                      size_t alen, double time_ms);
/* Sets the per-hit time of the records from offset `from` on. */
void cache_tap_time(answer_cache_t *c, size_t from, uint32_t ns);
/* Moves the records gathered into out (cap bytes; whole records only, the rest stay); returns bytes. */
size_t cache_tap_take(answer_cache_t *c, uint8_t *out, size_t cap);

#endif
