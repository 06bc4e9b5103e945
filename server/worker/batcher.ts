// Step 2 of the pipeline (pipeline.ts), gathers items into batches: a batch closes when it holds `maxItems` or when its first item has
// waited `lingerMs`. A closed batch is handed out only while the consumer has room (`hasRoom`);
// until then the batch keeps growing up to `maxItems`, so a busy loader gets fewer, larger batches.

export interface BatcherOptions<T> {
  maxItems: number;
  lingerMs: number;
  /** Whether the consumer can take a batch now. */
  hasRoom: () => boolean;
  /** Receives each batch; must not throw. */
  onBatch: (items: T[]) => void;
  now?: () => number;
}

export class Batcher<T> {
  private items: T[] = [];
  private firstAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly options: BatcherOptions<T>;
  private readonly now: () => number;

  constructor(options: BatcherOptions<T>) {
    if (options.maxItems < 1) throw new Error("maxItems must be at least 1");
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /** Items waiting for a batch. */
  get size(): number {
    return this.items.length;
  }

  /** Whether the buffer is full; producers should hold back until it is not. */
  get full(): boolean {
    return this.items.length >= this.options.maxItems;
  }

  add(item: T): void {
    if (this.items.length === 0) {
      this.firstAt = this.now();
      this.arm(this.options.lingerMs);
    }
    this.items.push(item);
    if (this.items.length >= this.options.maxItems) this.poke();
  }

  /** Hands out a batch if one is due and the consumer has room. Call when room frees up. */
  poke(): void {
    while (this.items.length > 0) {
      const waited = this.now() - this.firstAt;
      const due = this.items.length >= this.options.maxItems || waited >= this.options.lingerMs;
      if (!due) {
        // Timers may fire a little before the wall clock says the linger is over: look again.
        if (!this.timer) this.arm(Math.max(1, this.options.lingerMs - waited));
        return;
      }
      if (!this.options.hasRoom()) return;
      this.emit(this.options.maxItems);
    }
  }

  /** Hands out everything now, regardless of linger and room (used when stopping). */
  takeAll(): T[] {
    const items = this.items;
    this.items = [];
    this.clearTimer();
    return items;
  }

  close(): void {
    this.clearTimer();
  }

  private emit(count: number): void {
    const batch = this.items.slice(0, count);
    this.items = this.items.slice(count);
    // What is left has lingered as long as the batch did, so it keeps its start time.
    if (this.items.length === 0) this.clearTimer();
    this.options.onBatch(batch);
  }

  private arm(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.poke();
    }, Math.max(0, ms));
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
