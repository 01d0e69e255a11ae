// LZ4 through the lz4-wasm-nodejs package (lz4_flex compiled to WebAssembly
// by wasm-bindgen): the reference we measure our kernel against, and a
// second implementation of the same format for the cross-compatibility tests.
//
// Facts that shape this wrapper (measured on Node 20, Bun 1.x, Deno 2.x):
//   - `lz4-wasm` (the bundler build) does not load in plain Node (no main or
//     exports; its .wasm import needs a flag); `lz4-wasm-nodejs` is the same
//     code built for CommonJS and loads its .wasm with fs.readFileSync at
//     import, synchronously, which Node, Bun and Deno all support.
//   - compress() returns a new array: a u32 little-endian length followed by
//     a plain LZ4 block. We store only the block (the block header has the
//     length), so both implementations write the same format.
//   - decompress() throws a string, not an Error, on bad input, and trusts
//     the length prefix; we write that prefix ourselves from the expected
//     length, so corrupt bytes can never make it allocate a bogus size.
//   - Every call copies the input into the package's memory and the result
//     out of it (wasm-bindgen marshalling): two extra copies per block.
import * as lz4 from 'lz4-wasm-nodejs';
import { lz4Bound } from '../../kernels/lz4-codes.ts';
import { checkDisjoint, corruptCompressed, outputTooSmall, type Codec } from './codec.ts';

const NAME = 'lz4 package (lz4-wasm-nodejs)';

export const packageLz4Codec: Codec = {
  id: 'lz4',
  name: NAME,
  maxCompressedSize: lz4Bound,
  compress(src, dst) {
    checkDisjoint(NAME, src, dst);
    const framed = lz4.compress(src);
    const n = framed.length - 4;
    if (n > dst.length) throw outputTooSmall(NAME, src.length, dst.length);
    dst.set(framed.subarray(4));
    return n;
  },
  decompress(src, dst) {
    checkDisjoint(NAME, src, dst);
    const framed = new Uint8Array(4 + src.length);
    new DataView(framed.buffer).setUint32(0, dst.length, true);
    framed.set(src, 4);
    let out: Uint8Array;
    try {
      out = lz4.decompress(framed);
    } catch (cause) {
      throw corruptCompressed(NAME, String(cause instanceof Error ? cause.message : cause), cause);
    }
    if (out.length !== dst.length) throw corruptCompressed(NAME, `it decodes to ${out.length} bytes, expected ${dst.length}`);
    dst.set(out);
    return dst.length;
  },
};
