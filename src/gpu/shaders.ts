/** WGSL sources of shaders/, read once (from disk in Node, by fetch in browsers and Deno). */
import { readPackageFile } from '../runtime/environment.js';

const cache = new Map<string, Promise<string>>();

/** shaders/ sits at the package root: two levels above src/gpu and dist/browser, three above dist/src/gpu. */
export function shaderSource(name: string): Promise<string> {
  let source = cache.get(name);
  if (!source) {
    source = (async () => {
      const candidates = ['../../shaders/', '../../../shaders/'].map((up) => new URL(up + name, import.meta.url));
      const bytes = await readPackageFile(candidates, 'the shader');
      if (bytes) return new TextDecoder().decode(bytes);
      throw new Error(`shader ${name} not found`);
    })();
    cache.set(name, source);
  }
  return source;
}
