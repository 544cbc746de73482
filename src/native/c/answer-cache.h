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
  uint8_t *data; /* key_len bytes of key, then answer_len bytes of answer */
} cache_slot_t;

typedef struct {
  cache_slot_t *slots;
  uint32_t mask;
  uint32_t max_answer;
  double hits, misses, puts, entries;
} answer_cache_t;

answer_cache_t *cache_create(uint32_t slots_pow2, uint32_t max_answer);
void cache_clear(answer_cache_t *c);
void cache_free(answer_cache_t *c);

/* Builds the key of a query; returns its length, 0 when the query is not cacheable, and sets
 * *qname_len (wire length of QNAME, at offset 12). */
size_t cache_key(const uint8_t *q, size_t len, uint8_t *key, size_t *qname_len);

/* Stores answer for query; 0 when the query is not cacheable or the answer does not echo its question. */
int cache_put(answer_cache_t *c, const uint8_t *q, size_t qlen, const uint8_t *a, size_t alen);

/* Writes the answer for query q into out (room: cap bytes) with q's ID and QNAME case; returns its
 * length or 0 on a miss. */
size_t cache_answer(answer_cache_t *c, const uint8_t *q, size_t qlen, uint8_t *out, size_t cap);

#endif
