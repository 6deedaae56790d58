/**
 * Clean-up on Ctrl-C and `kill`: while a run holds an output folder, SIGINT
 * and SIGTERM remove its staging folder and lock, then end the process with
 * the usual code (128 + signal number). What a SIGKILL leaves is swept by
 * the next run (src/io/outputFolder.ts).
 */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Runs `cleanUp` (synchronously) on SIGINT or SIGTERM until the returned
 * function is called; `cleanUp` returns false when the outputs were already
 * published (the signal came after the swap), so the message says so.
 */
export function onTermination(cleanUp: () => boolean): () => void {
  const handlers = Object.entries(EXIT_CODES).map(([signal, code]) => {
    const handler = () => {
      let abandoned = true;
      try {
        abandoned = cleanUp();
      } finally {
        process.stderr.write(`\nbragg: stopped by ${signal}; ${abandoned ? 'nothing was written' : 'the outputs had been published'}\n`);
        process.exit(code);
      }
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
