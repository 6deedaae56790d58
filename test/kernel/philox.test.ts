import { describe, expect, it } from 'vitest';
import { smallKernel } from '../helpers/kernel.js';
import { KERNEL_VARIANTS } from '../../src/engine/kernel.js';

// Known-answer vectors of Philox4x32-10 from the Random123 distribution
// (Salmon et al., SC'11), file kat_vectors: counter[4] key[2] -> output[4].
const KAT: ReadonlyArray<{ counter: number[]; key: number[]; expected: number[] }> = [
  { counter: [0, 0, 0, 0], key: [0, 0], expected: [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8] },
  { counter: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], key: [0xffffffff, 0xffffffff],
    expected: [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd] },
  { counter: [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], key: [0xa4093822, 0x299f31d0],
    expected: [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1] },
];

describe.each(KERNEL_VARIANTS)('Philox4x32-10 in the %s kernel', (variant) => {
  it('reproduces the Random123 known-answer vectors', async () => {
    const { kernel, memory } = await smallKernel(variant);
    const out = 64;
    for (const { counter, key, expected } of KAT) {
      kernel.philox4x32(counter[0]!, counter[1]!, counter[2]!, counter[3]!, key[0]!, key[1]!, out);
      expect([...new Uint32Array(memory.buffer, out, 4)]).toEqual(expected);
    }
  });
});

describe.each(KERNEL_VARIANTS)('four Philox4x32-10 lanes in the %s kernel', (variant) => {
  it('reproduce the known answers lane by lane (lane 3 repeats lane 0 under the same key)', async () => {
    const { kernel, memory } = await smallKernel(variant);
    for (const { key, expected } of KAT) {
      const counters = new Uint32Array(memory.buffer, 128, 16);
      // lanes 0..2 hold the three KAT counters; only the lane with this key's counter is checked
      KAT.forEach((k, lane) => { for (let j = 0; j < 4; j++) counters[j * 4 + lane] = k.counter[j]!; });
      for (let j = 0; j < 4; j++) counters[j * 4 + 3] = KAT[0]!.counter[j]!;
      kernel.philoxLanes(128, key[0]!, key[1]!, 512);
      const out = new Uint32Array(memory.buffer, 512, 16);
      const lane = KAT.findIndex((k) => k.expected === expected);
      expect([0, 1, 2, 3].map((j) => out[j * 4 + lane])).toEqual(expected);
    }
  });
});
