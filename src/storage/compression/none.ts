// The identity codec: blocks stored as they are. It exists so that every
// block goes through one interface; its "compressed" bytes are the block.
import { checkDisjoint, corruptCompressed, outputTooSmall, type Codec } from './codec.ts';

export const noneCodec: Codec = {
  id: 'none',
  name: 'none',
  maxCompressedSize: (n) => n,
  compress(src, dst) {
    checkDisjoint('none', src, dst);
    if (dst.length < src.length) throw outputTooSmall('none', src.length, dst.length);
    dst.set(src);
    return src.length;
  },
  decompress(src, dst) {
    checkDisjoint('none', src, dst);
    if (src.length !== dst.length) {
      throw corruptCompressed('none', `stored ${src.length} bytes where ${dst.length} were expected`);
    }
    dst.set(src);
    return dst.length;
  },
};
