/**
 * The engine's version, as package.json states it (test/package/version.test.ts
 * holds the two equal). A constant rather than a JSON import, so that the
 * browser bundle and Deno read it without file access.
 */
export const ENGINE_VERSION = '0.2.0';
