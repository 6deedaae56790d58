/**
 * Reading a config file: at most MAX_CONFIG_BYTES are read (a config is a
 * few kB; /dev/zero or a wrong file must not fill the memory first), then
 * JSON.parse, then the schema.
 */
import { open } from 'node:fs/promises';
import { BraggInputError } from '../errors.js';

/** Far above any real config (regions and materials included), far below a memory problem. */
export const MAX_CONFIG_BYTES = 1 << 20;

/** A JSON file of at most `maxBytes`, named in messages by `flag` (--config, --plan). */
export async function readConfigFile(path: string, flag = '--config', maxBytes = MAX_CONFIG_BYTES): Promise<unknown> {
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(maxBytes + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length > maxBytes) {
          throw new BraggInputError(`${flag} ${path}: larger than ${maxBytes / 2 ** 20} MiB; ${flag === '--config' ? 'a config is a small JSON file' : 'too large'}`);
        }
      }
      text = buffer.toString('utf8', 0, length);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof BraggInputError) throw error;
    throw new BraggInputError(`${flag} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BraggInputError(`${flag} ${path}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
}
