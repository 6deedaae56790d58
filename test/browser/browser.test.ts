import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, extname, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { createHash } from 'node:crypto';
import { simulate } from '../../src/index.js';

// The engine in a real browser: Debian's Chromium (installed by .ci/run),
// driven by playwright-core, loading the esbuild bundle (dist/browser/).
const root = fileURLToPath(new URL('../../', import.meta.url));
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** A static server for the repository; `isolated` adds the headers that make pages cross-origin isolated. */
function serve(isolated: boolean): Promise<{ server: Server; url: string }> {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^([/\\])+/, '');
    try {
      const body = await readFile(join(root, path));
      const headers: Record<string, string> = { 'Content-Type': types[extname(path)] ?? 'application/octet-stream' };
      if (isolated) {
        headers['Cross-Origin-Opener-Policy'] = 'same-origin';
        headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      }
      response.writeHead(200, headers).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    resolve({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
  }));
}

let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    // WebGPU on SwiftShader (Chromium's software Vulkan), as in ../shared/gpu/README.md; playwright gives a fresh profile
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--enable-unsafe-webgpu', '--enable-features=Vulkan',
      '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader'],
  });
});

afterAll(async () => {
  await browser?.close();
});

async function runPage(isolated: boolean, file = 'page.html') {
  const { server, url } = await serve(isolated);
  try {
    const page = await browser.newPage();
    await page.goto(`${url}/test/browser/${file}`);
    await page.waitForFunction(() => (window as { braggResult?: unknown }).braggResult !== undefined, undefined, { timeout: 90_000 });
    return await page.evaluate(() => (window as unknown as { braggResult: Record<string, unknown> }).braggResult);
  } finally {
    server.close();
  }
}

describe('in Chromium', () => {
  it('a cross-origin isolated page runs on Web Workers, and 2 threads give the same dose as 1', async () => {
    const result = await runPage(true);
    expect(result.error).toBeUndefined();
    expect(result.crossOriginIsolated).toBe(true);
    expect(result.threads).toEqual([1, 2]);
    const [one, two] = result.dose as string[];
    expect(two).toBe(one);
    // and the same dose as Node computes, bit for bit (the config of page.html)
    const node = await simulate({
      beam: { energyMeVPerU: 100, spotSigmaMm: 2 }, phantom: { sizeMm: [30, 30, 100] }, transport: { histories: 2000, seed: 31 },
    }, { threads: 2 });
    expect(createHash('sha256').update(new Uint8Array(node.dose.buffer)).digest('hex')).toBe(one);
    expect(result.r80Mm as number).toBeGreaterThan(75);
    expect(result.r80Mm as number).toBeLessThan(78);
    expect(result.warnings).toEqual([]);
  });

  it('a page that is not isolated runs on one thread and says why', async () => {
    const result = await runPage(false);
    expect(result.error).toBeUndefined();
    expect(result.crossOriginIsolated).toBe(false);
    expect(result.threads).toEqual([1, 1]);
    expect((result.warnings as string[]).join(' ')).toMatch(/not cross-origin isolated/);
    const [one, two] = result.dose as string[];
    expect(two).toBe(one);
  });

  it('runs the WGSL transport on the page\'s WebGPU adapter (SwiftShader)', async () => {
    const result = await runPage(false, 'gpu.html');
    expect(result.error).toBeUndefined();
    expect(result.backend).toBe('webgpu');
    expect(result.r80Mm as number).toBeGreaterThan(75);
    expect(result.r80Mm as number).toBeLessThan(78);
    expect(result.warnings).toEqual([]);
  });
});
