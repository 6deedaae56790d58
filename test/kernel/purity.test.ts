import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { KERNEL_VARIANTS } from '../../src/engine/kernel.js';

/** Section ids of a wasm binary (https://webassembly.github.io/spec/core/binary/modules.html). */
function sections(bytes: Uint8Array): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  let p = 8;
  const leb = () => { let r = 0, shift = 0, b: number; do { b = bytes[p++]!; r |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80); return r >>> 0; };
  while (p < bytes.length) {
    const id = bytes[p++]!;
    const size = leb();
    out.set(id, bytes.subarray(p, p + size));
    p += size;
  }
  return out;
}

describe.each(KERNEL_VARIANTS)('the %s kernel module is safe to instantiate once per thread', (variant) => {
  const bytes = readFileSync(new URL(`../../build/kernel.${variant}.wasm`, import.meta.url));
  const s = sections(bytes);

  it('has no data segments and no globals (no static data, no mutable state)', () => {
    expect(s.has(11)).toBe(false); // data
    expect(s.has(6)).toBe(false);  // globals
  });

  it('imports one shared memory and exports none', () => {
    const module = new WebAssembly.Module(bytes);
    const imports = WebAssembly.Module.imports(module);
    expect(imports).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(WebAssembly.Module.exports(module).filter((e) => e.kind !== 'function')).toEqual([]);
    // the limits of the memory import: flags byte 0x03 = has maximum + shared
    const importSection = s.get(2)!;
    expect([...importSection].includes(0x03)).toBe(true);
  });
});
