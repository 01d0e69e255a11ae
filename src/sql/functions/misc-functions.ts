// uuid and bytea functions: gen_random_uuid() from the injected random
// source, encode/decode between bytea and text (hex, base64, escape).

import type { RuntimeValue } from '../types/type-info.ts';
import { randomUuid } from '../types/uuid.ts';
import { decodeBytes, encodeBytes } from '../types/bytea.ts';
import { fn, type FunctionDef } from './function-def.ts';

const s = (v: RuntimeValue): string => v as string;

export const MISC_FUNCTIONS: FunctionDef[] = [
  fn('gen_random_uuid', [], 'uuid', (ctx) => randomUuid((n) => ctx.randomBytes(n)), { volatility: 'volatile' }),
  fn('encode', ['bytea', 'text'], 'text', (_c, a, f) => encodeBytes(a as Uint8Array, s(f))),
  fn('decode', ['text', 'text'], 'bytea', (_c, a, f) => decodeBytes(s(a), s(f))),
];
