// Runs the built library under Deno on its built-in WebGPU (lavapipe here) and prints one JSON line.
import { simulate } from '../../dist/src/index.js';

const result = await simulate({
  beam: { energyMeVPerU: 100 }, phantom: { sizeMm: [30, 30, 100] }, transport: { histories: 3000, seed: 3 },
}, { backend: 'webgpu' });
console.log(JSON.stringify({ backend: result.summary.backend, adapter: result.summary.adapter, r80Mm: result.summary.r80Mm }));
