/**
 * Alarm edge detection on a boolean active flag: raise on false->true, clear on true->false. The first reading
 * raises when active and says nothing when inactive (there is nothing to clear).
 */
export class AlarmEdge {
  private active: boolean | undefined;

  offer(active: boolean): 'raise' | 'clear' | undefined {
    const before = this.active;
    this.active = active;
    if (before === active) return undefined;
    if (before === undefined) return active ? 'raise' : undefined;
    return active ? 'raise' : 'clear';
  }
}
