import type { Name } from './name.js';

const MAX_ENTRIES = 2048;

/**
 * Offsets of names already written into one message buffer, for compression. Entries are appended
 * only (so a writer rolls back by truncating) and only below 0x4000 (a pointer's 14 bits).
 * Matching is exact (case-sensitive), so every name keeps the case it was written with.
 */
export class CompressionTable {
  private readonly offsets = new Int32Array(MAX_ENTRIES);
  private readonly pending = new Int32Array(128);
  size = 0;

  constructor(private readonly buf: Uint8Array) {}

  clear(): void {
    this.size = 0;
  }

  truncate(size: number): void {
    this.size = size;
  }

  /**
   * Writes `name` at pos (never past limit), using a pointer to an earlier copy of its longest known
   * suffix when compress is set. Returns the new position, or -1 when it does not fit.
   */
  writeName(name: Name, pos: number, limit: number, compress: boolean): number {
    const buf = this.buf;
    let p = 0;
    let npending = 0;
    for (;;) {
      const l = name[p]!;
      if (l === 0) {
        if (pos + 1 > limit) return -1;
        buf[pos++] = 0;
        break;
      }
      if (compress) {
        const target = this.find(name, p);
        if (target >= 0) {
          if (pos + 2 > limit) return -1;
          buf[pos] = 0xc0 | (target >> 8);
          buf[pos + 1] = target & 255;
          pos += 2;
          break;
        }
      }
      if (pos + l + 1 > limit) return -1;
      if (compress && pos < 0x4000) this.pending[npending++] = pos;
      for (let k = 0; k <= l; k++) buf[pos + k] = name[p + k]!;
      pos += l + 1;
      p += l + 1;
    }
    for (let i = 0; i < npending && this.size < MAX_ENTRIES; i++) this.offsets[this.size++] = this.pending[i]!;
    return pos;
  }

  private find(name: Name, p: number): number {
    const buf = this.buf;
    const l = name[p]!;
    const first = name[p + 1]!;
    for (let i = 0; i < this.size; i++) {
      const off = this.offsets[i]!;
      // entries are label starts written literally: a cheap look at length and first octet rejects most
      if (buf[off] === l && buf[off + 1] === first && this.matches(off, name, p)) return off;
    }
    return -1;
  }

  /** Whether the (possibly compressed) name at buf[off] equals name[p...]. */
  private matches(off: number, name: Name, p: number): boolean {
    const buf = this.buf;
    let q = off;
    for (;;) {
      let l = buf[q]!;
      while (l >= 0xc0) {
        q = ((l & 0x3f) << 8) | buf[q + 1]!;
        l = buf[q]!;
      }
      if (l !== name[p]) return false;
      if (l === 0) return true;
      for (let k = 1; k <= l; k++) if (buf[q + k] !== name[p + k]) return false;
      q += l + 1;
      p += l + 1;
    }
  }
}
