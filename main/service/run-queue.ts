/**
 * The device queue: one run trains at a time, the others wait in the order they were queued. Holds ids only; the
 * run manager decides what starting and ending a run means.
 */
export class RunQueue {
  private readonly waiting: string[] = [];
  /** The run on the device, if any. */
  active: string | undefined;

  push(runId: string): void {
    this.waiting.push(runId);
  }

  /** Drops a waiting run; false when it was not waiting. */
  remove(runId: string): boolean {
    const at = this.waiting.indexOf(runId);
    if (at < 0) return false;
    this.waiting.splice(at, 1);
    return true;
  }

  /** The next run to start, made active, while the device is free; undefined when busy or nothing waits. */
  next(): string | undefined {
    if (this.active !== undefined) return undefined;
    this.active = this.waiting.shift();
    return this.active;
  }

  /** The device is free again (after `runId` ended). */
  release(runId: string): void {
    if (this.active === runId) this.active = undefined;
  }

  /** 0 for the next to start, -1 when not waiting. */
  position(runId: string): number {
    return this.waiting.indexOf(runId);
  }

  get waitingIds(): readonly string[] {
    return this.waiting;
  }

  /** Empties the queue, returning who was waiting. */
  drain(): string[] {
    return this.waiting.splice(0);
  }
}
