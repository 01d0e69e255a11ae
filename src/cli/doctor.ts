// `flint doctor`: checks that this runtime can run Flint, and says how.
// It loads both kernel implementations, runs each over the same bytes and
// checks they agree, and prints what it found. Exit code 1 on any failure.

import { createKernels, wasmAvailable, type KernelKind, type Kernels } from '../kernels/index.ts';

export interface DoctorLine {
  check: string;
  ok: boolean;
  detail: string;
}

function runtimeName(): string {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  if (g.Bun) return `Bun ${g.Bun.version}`;
  if (g.Deno) return `Deno ${g.Deno.version.deno}`;
  return `Node ${process.versions.node}`;
}

/** CRC32C of "123456789" is 0xE3069283 (the standard check value). */
function crcCheck(kernels: Kernels): number {
  const text = new TextEncoder().encode('123456789');
  new Uint8Array(kernels.buffer).set(text, kernels.scratchOffset);
  return kernels.crc32c(kernels.scratchOffset, text.length, 0) >>> 0;
}

export function runDoctor(): DoctorLine[] {
  const lines: DoctorLine[] = [{ check: 'runtime', ok: true, detail: runtimeName() }];
  lines.push({ check: 'webassembly', ok: wasmAvailable(), detail: wasmAvailable() ? 'available' : 'missing: the ts kernels will be used' });
  const kinds: KernelKind[] = wasmAvailable() ? ['wasm', 'ts'] : ['ts'];
  for (const kind of kinds) {
    try {
      const kernels = createKernels({ kind, arenaBytes: 1 << 20 });
      const crc = crcCheck(kernels);
      lines.push({ check: `kernels ${kind}`, ok: crc === 0xe3069283, detail: `crc32c check value 0x${crc.toString(16)}` });
    } catch (error) {
      lines.push({ check: `kernels ${kind}`, ok: false, detail: (error as Error).message });
    }
  }
  return lines;
}
