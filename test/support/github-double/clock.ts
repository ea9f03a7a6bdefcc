// A strictly increasing millisecond clock: two changes never share an updated_at,
// so "sort by updated" and "since" are deterministic even in fast tests.
export class MonotonicClock {
  private last = 0;

  nowMs(): number {
    this.last = Math.max(Date.now(), this.last + 1);
    return this.last;
  }

  nowIso(): string {
    return new Date(this.nowMs()).toISOString();
  }
}
