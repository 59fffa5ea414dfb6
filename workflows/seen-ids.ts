/**
 * A bounded memory of event ids for dedupe, carried through continue-as-new. Ids are kept as 53-bit hashes (cyrb53,
 * ~11 characters) so 50,000 of them fit a continue-as-new payload (679 kB measured, limit 2 MB) whatever the ids' length; a false
 * duplicate needs a hash collision (about 1e-7 over 50,000 ids). The window must exceed how far back a redelivery
 * can reach: the signal bridge keeps at most 64 messages of 500 events in flight, 32,000 events.
 */
export const SEEN_IDS_LIMIT = 50_000;

/** cyrb53 (public domain): fast, well-distributed, deterministic (safe in workflow code). */
function cyrb53(str: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

export class SeenIds {
  private readonly hashes: Set<string>;
  constructor(
    initial: string[] = [],
    private readonly limit = SEEN_IDS_LIMIT,
  ) {
    this.hashes = new Set(initial);
  }

  /** True if the id is new (and now remembered); false for a duplicate. */
  add(id: string): boolean {
    const h = cyrb53(id);
    if (this.hashes.has(h)) return false;
    this.hashes.add(h);
    if (this.hashes.size > this.limit) {
      // Sets iterate in insertion order, so the first key is the oldest.
      const oldest = this.hashes.values().next().value;
      if (oldest !== undefined) this.hashes.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.hashes.size;
  }

  /** The remembered hashes, oldest first, for continue-as-new. */
  toArray(): string[] {
    return [...this.hashes];
  }
}
