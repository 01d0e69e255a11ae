// MD5 (RFC 1321) in plain TypeScript, incremental, for sqllogictest result
// hashes. No node:crypto, so the runner works on any runtime. Strings are
// hashed as their UTF-8 bytes, streamed through one 64-byte block buffer: a
// result of a million values is never concatenated into one string.

/** K[i] = floor(|sin(i + 1)| * 2^32), written out rather than computed with Math.sin. */
const K = new Int32Array([
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
  0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
  0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
  0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
  0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
  0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
  0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
  0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
]);

/** Per-round left-rotation amounts. */
const SHIFT = new Uint8Array([
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
  5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
  6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
]);

/** Message word used in each round. */
const WORD = new Uint8Array(64);
for (let i = 0; i < 64; i++) WORD[i] = i < 16 ? i : i < 32 ? (5 * i + 1) % 16 : i < 48 ? (3 * i + 5) % 16 : (7 * i) % 16;

const HEX = '0123456789abcdef';

export class Md5 {
  readonly #block = new Uint8Array(64);
  readonly #words = new Int32Array(16);
  #used = 0;
  /** Total bytes hashed; exact below 2^53. */
  #bytes = 0;
  #a = 0x67452301;
  #b = 0xefcdab89 | 0;
  #c = 0x98badcfe | 0;
  #d = 0x10325476;

  /** Adds the UTF-8 bytes of `text`. */
  update(text: string): this {
    const n = text.length;
    for (let i = 0; i < n; i++) {
      let c = text.charCodeAt(i);
      if (c < 0x80) {
        this.#byte(c);
        continue;
      }
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
          i++;
        }
      }
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // lone surrogate, as TextEncoder encodes it
      if (c < 0x800) {
        this.#byte(0xc0 | (c >> 6));
      } else if (c < 0x10000) {
        this.#byte(0xe0 | (c >> 12));
        this.#byte(0x80 | ((c >> 6) & 0x3f));
      } else {
        this.#byte(0xf0 | (c >> 18));
        this.#byte(0x80 | ((c >> 12) & 0x3f));
        this.#byte(0x80 | ((c >> 6) & 0x3f));
      }
      this.#byte(0x80 | (c & 0x3f));
    }
    return this;
  }

  /** Adds raw bytes. */
  updateBytes(bytes: Uint8Array): this {
    for (let i = 0; i < bytes.length; i++) this.#byte(bytes[i]!);
    return this;
  }

  /** Finishes the hash and returns it as 32 lowercase hex digits. The object is then reset. */
  digestHex(): string {
    const bits = this.#bytes * 8;
    this.#byte(0x80);
    while (this.#used !== 56) this.#byte(0);
    // Length in bits, 64-bit little-endian; split because bit shifts are 32-bit.
    const low = bits % 0x100000000;
    const high = Math.floor(bits / 0x100000000);
    for (let i = 0; i < 4; i++) this.#byte((low >>> (8 * i)) & 0xff);
    for (let i = 0; i < 4; i++) this.#byte((high >>> (8 * i)) & 0xff);
    let out = '';
    for (const word of [this.#a, this.#b, this.#c, this.#d]) {
      for (let i = 0; i < 4; i++) {
        const byte = (word >>> (8 * i)) & 0xff;
        out += HEX[byte >> 4]! + HEX[byte & 15]!;
      }
    }
    this.reset();
    return out;
  }

  reset(): void {
    this.#used = 0;
    this.#bytes = 0;
    this.#a = 0x67452301;
    this.#b = 0xefcdab89 | 0;
    this.#c = 0x98badcfe | 0;
    this.#d = 0x10325476;
  }

  #byte(value: number): void {
    this.#block[this.#used++] = value;
    this.#bytes++;
    if (this.#used === 64) {
      this.#compress();
      this.#used = 0;
    }
  }

  #compress(): void {
    const m = this.#block;
    const w = this.#words;
    for (let i = 0; i < 16; i++) {
      const j = 4 * i;
      w[i] = m[j]! | (m[j + 1]! << 8) | (m[j + 2]! << 16) | (m[j + 3]! << 24);
    }
    let a = this.#a;
    let b = this.#b;
    let c = this.#c;
    let d = this.#d;
    for (let i = 0; i < 64; i++) {
      let f: number;
      if (i < 16) f = (b & c) | (~b & d);
      else if (i < 32) f = (d & b) | (~d & c);
      else if (i < 48) f = b ^ c ^ d;
      else f = c ^ (b | ~d);
      const sum = (a + f + K[i]! + w[WORD[i]!]!) | 0;
      const s = SHIFT[i]!;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << s) | (sum >>> (32 - s)))) | 0;
    }
    this.#a = (this.#a + a) | 0;
    this.#b = (this.#b + b) | 0;
    this.#c = (this.#c + c) | 0;
    this.#d = (this.#d + d) | 0;
  }
}

/** MD5 of a string's UTF-8 bytes, as lowercase hex. */
export function md5Hex(text: string): string {
  return new Md5().update(text).digestHex();
}
