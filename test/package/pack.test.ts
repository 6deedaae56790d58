import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The package as users get it: `npm pack` of the built tree (npm test builds first, so
// --ignore-scripts skips the second build `prepare` would do), installed from the
// tarball into an empty folder, used through `npx bragg` and `import('bragg-engine')`.
// Dawn (`webgpu`) is an optional peer dependency: absent after the plain install,
// installed on top of it at the end. Needs the npm registry (or a warm npm cache:
// --prefer-offline takes the tarballs `npm ci` cached).

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  peerDependencies: Record<string, string>;
};
const INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline'];

let scratch = '';
let app = '';
let packedFiles: string[] = [];

function sh(command: string, args: readonly string[], cwd = app) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error };
}

/** `du -sb`: apparent size in bytes. */
function installSize(): number {
  const r = sh('du', ['-sb', join(app, 'node_modules')]);
  return Number(r.stdout.split('\t')[0]);
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB (${bytes} B)`;

beforeAll(() => {
  if (!existsSync(join(root, 'dist/src/index.js')) || !existsSync(join(root, 'build/kernel.simd.wasm'))) {
    throw new Error("the package is not built: run 'npm run build' first");
  }
  scratch = mkdtempSync(join(tmpdir(), 'bragg-pack-'));
  const pack = sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], root);
  expect(pack.code, pack.stderr).toBe(0);
  const [packed] = JSON.parse(pack.stdout) as Array<{ filename: string; size: number; files: Array<{ path: string }> }>;
  packedFiles = packed!.files.map((f) => f.path);
  console.log(`tarball ${packed!.filename}: ${megabytes(packed!.size)}, ${packedFiles.length} files`);
  app = join(scratch, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'bragg-pack-test', private: true }));
  writeFileSync(join(app, 'config.json'), JSON.stringify({ beam: { energyMeVPerU: 100 }, phantom: { sizeMm: [30, 30, 100] } }));
  // A tarball install does not run `prepare` (it would fail: scripts/build.mjs is not packed).
  const install = sh('npm', [...INSTALL, join(scratch, packed!.filename)]);
  expect(install.code, install.stderr).toBe(0);
}, 180_000); // a cold npm cache downloads the dependencies

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('npm pack, then npm install <tarball> into an empty folder', () => {
  it('packs what runs (library, CLI, browser bundle, kernels, shaders) and no build leftovers', () => {
    for (const file of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'dist/src/engine/parallel/nodeWorker.js',
      'dist/browser/index.js', 'dist/browser/webWorker.js', 'build/kernel.simd.wasm', 'build/kernel.scalar.wasm',
      'build/kernel.simd.local.wasm', 'build/kernel.scalar.local.wasm', 'shaders/transport.wgsl', 'README.md', 'LICENSE', 'package.json']) {
      expect(packedFiles, file).toContain(file);
    }
    expect(packedFiles.filter((f) => /^(test|scripts|dist\/bench)\/|\.tsbuildinfo|\.wat$/.test(f))).toEqual([]);
  });

  it('installs without Dawn: webgpu is not in node_modules', () => {
    expect(existsSync(join(app, 'node_modules/bragg-engine/dist/src/index.js'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/webgpu'))).toBe(false);
    console.log(`install size without webgpu: ${megabytes(installSize())}`);
  });

  it('npx bragg run writes dose.npy; npx bragg --version prints the version', () => {
    const run = sh('npx', ['--no', '--', 'bragg', 'run', '--config', 'config.json', '--histories', '2000', '--out', 'out', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ backend: 'wasm', histories: 2000 });
    expect(readFileSync(join(app, 'out/dose.npy')).subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    const version = sh('npx', ['--no', '--', 'bragg', '--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });

  it('import(\'bragg-engine\'): simulate runs on WASM; backend webgpu names the missing package; auto falls back', () => {
    const script = `
      const m = await import('bragg-engine');
      const config = { beam: { energyMeVPerU: 100 }, phantom: { sizeMm: [30, 30, 100] }, transport: { histories: 2000 } };
      const wasm = await m.simulate(config, { threads: 2 });
      const webgpu = await m.simulate(config, { backend: 'webgpu' }).then(() => 'ran', (e) => e.name + ': ' + e.message);
      // 'auto' asks for the GPU from 1e6 histories on: 10 MeV protons in a 4 mm cube take a fraction of a second
      const auto = await m.simulate({ beam: { energyMeVPerU: 10 }, phantom: { sizeMm: [4, 4, 4] }, transport: { histories: 1e6 } }, { backend: 'auto' });
      const npy = m.decodeNpy(m.encodeNpy(wasm.dose, wasm.summary.gridShape));
      const node = await import('bragg-engine/node');
      await node.writeRunOutputs('api-out', wasm);
      const verified = await node.verifyOutputFolder('api-out');
      console.log(JSON.stringify({ r80Mm: wasm.summary.r80Mm, shape: npy.shape, webgpu, auto: [auto.summary.backend, auto.warnings],
        verified, gamma: typeof m.gamma2d, range: m.csdaRange(m.getIon('proton'), m.getMaterial('water'), 100) }));`;
    const r = sh(process.execPath, ['--input-type=module', '-e', script]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(result.r80Mm).toBeGreaterThan(75);
    expect(result.r80Mm).toBeLessThan(78);
    expect(result.shape).toEqual([100, 15, 15]);
    expect(result.webgpu).toBe("BraggInputError: backend webgpu needs the optional package 'webgpu' (Dawn): npm install webgpu");
    expect(result.auto).toEqual(['wasm', []]);
    expect(result.gamma).toBe('function');
    expect(result.verified).toEqual([]); // 'bragg-engine/node' published a complete folder
    expect(result.range).toBeCloseTo(7.718, 1);
  });

  it('bragg run --backend webgpu without the package: one line naming it, exit 2', () => {
    const r = sh('npx', ['--no', '--', 'bragg', 'run', '--config', 'config.json', '--histories', '100', '--backend', 'webgpu', '--out', 'gpu']);
    expect(r.stderr).toBe("bragg: backend webgpu needs the optional package 'webgpu' (Dawn): npm install webgpu\n");
    expect(r.code).toBe(2);
    expect(existsSync(join(app, 'gpu'))).toBe(false);
  });

  it('after npm install webgpu, bragg run --backend webgpu runs on the WebGPU adapter', () => {
    const install = sh('npm', [...INSTALL, `webgpu@${pkg.peerDependencies.webgpu}`]);
    expect(install.code, install.stderr).toBe(0);
    console.log(`install size with webgpu: ${megabytes(installSize())}`);
    const r = sh('npx', ['--no', '--', 'bragg', 'run', '--config', 'config.json', '--histories', '2000', '--backend', 'webgpu', '--out', 'gpu', '--json']);
    expect(r.stderr).not.toMatch(/optional package/);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.backend).toBe('webgpu');
    expect(summary.adapter).toEqual(expect.any(String));
    expect(summary.r80Mm).toBeGreaterThan(75);
    expect(summary.r80Mm).toBeLessThan(78);
  }, 180_000); // a cold npm cache downloads Dawn (~130 MB unpacked)
});
