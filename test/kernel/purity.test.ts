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
    // Parse the one import: module name, field name, kind 0x02 (memory), then the
    // limits flags: 0x03 = has a maximum and is shared (threads proposal).
    const section = s.get(2)!;
    let p = 0;
    expect(section[p++]).toBe(1); // one import
    for (const expected of ['env', 'memory']) {
      const length = section[p++]!;
      expect(Buffer.from(section.subarray(p, p + length)).toString()).toBe(expected);
      p += length;
    }
    expect(section[p++]).toBe(0x02);
    expect(section[p]).toBe(0x03);
  });
});
