/**
 * Hardware scaling reference: K independent processes, each running the
 * single-thread engine, at the same time. Their summed histories/s over K
 * times one process's rate is what the machine allows (shared caches, memory
 * bandwidth, frequency, SMT), to read the parallel engine's efficiency against.
 * Each runs the default config: 150 MeV protons with nuclear events and LET on
 * (bench/run.ts: proton-150-nuc-let).
 *
 *   node dist/bench/independent.js [--processes 1,8,16] [--histories N]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { simulate } from '../src/index.js';

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

if (process.argv.includes('--child')) {
  const histories = Number(argument('histories') ?? 100_000);
  const { summary } = await simulate({ transport: { histories } }, { threads: 1 });
  process.stdout.write(`${summary.historiesPerSecond}\n`);
} else {
  const counts = (argument('processes') ?? '1,2').split(',').map(Number);
  const histories = argument('histories') ?? '100000';
  const self = fileURLToPath(import.meta.url);
  const runOnce = () => new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [self, '--child', '--histories', histories], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`child exited with ${code}`))));
  });
  let single = 0;
  console.log('processes  total histories/s  per process  vs linear');
  for (const k of counts) {
    const rates = await Promise.all(Array.from({ length: k }, runOnce));
    const total = rates.reduce((a, b) => a + b, 0);
    if (k === 1 || single === 0) single = total / k;
    console.log(`${String(k).padStart(9)}  ${Math.round(total).toString().padStart(17)}  ${Math.round(total / k).toString().padStart(11)}  ${(100 * total / (k * single)).toFixed(1).padStart(8)}%`);
  }
}
