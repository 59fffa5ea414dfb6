/** A bounded memory of event ids: remembers the newest `limit`, forgets the oldest first. Plain data for CAN. */
export class SeenIds {
  private readonly ids: Set<string>;
  constructor(
    initial: string[] = [],
    private readonly limit = 20_000,
  ) {
    this.ids = new Set(initial);
  }

  /** True if the id is new (and now remembered); false for a duplicate. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.limit) {
      // Sets iterate in insertion order, so the first key is the oldest id.
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }

  toArray(): string[] {
    return [...this.ids];
  }
}
