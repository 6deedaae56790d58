/**
 * A bump allocator over one WebAssembly.Memory, used to plan the layout up
 * front: every region is placed before the memory exists, so its size is known
 * exactly and the memory is created once with initial = maximum pages.
 */
export const WASM_PAGE_BYTES = 65536;
/** wasm32 addresses end at 4 GiB. */
export const WASM32_MAX_PAGES = 65536;
const ALIGN = 16;

export class RegionPlan {
  private nextByte = ALIGN; // keep address 0 unused, so a zero pointer is never valid
  private readonly regions = new Map<string, { offset: number; bytes: number }>();

  /** Reserves `bytes` (16-byte aligned) under a unique name and returns the byte offset. */
  reserve(name: string, bytes: number): number {
    if (this.regions.has(name)) throw new Error(`region '${name}' reserved twice`);
    const offset = Math.ceil(this.nextByte / ALIGN) * ALIGN;
    this.regions.set(name, { offset, bytes });
    this.nextByte = offset + bytes;
    return offset;
  }

  offsetOf(name: string): number {
    const region = this.regions.get(name);
    if (!region) throw new Error(`no region '${name}'`);
    return region.offset;
  }

  get totalBytes(): number { return Math.ceil(this.nextByte / ALIGN) * ALIGN; }
  get pages(): number { return Math.max(1, Math.ceil(this.totalBytes / WASM_PAGE_BYTES)); }
}
