/**
 * Group commit: calls arriving in the same event-loop turn are written in one transaction, and each
 * caller is resolved (with its own results) only after that transaction has committed, so a
 * resolved call is as durable as one committed alone. Items run in arrival order inside the
 * transaction, so a later item sees what an earlier one wrote (an idempotency key repeated within
 * a group returns the first item's message). When the group's transaction throws, it is rolled
 * back and every call is retried alone, so one bad call fails only itself.
 */
export class GroupCommitter<I, O> {
  private pending: { input: I; resolve: (out: O) => void; reject: (err: unknown) => void }[] = [];
  private scheduled = false;

  /**
   * @param runGroup runs every input in ONE transaction and returns their outputs in order
   * @param runOne runs one input in its own transaction (the fallback when a group fails)
   * @param maxGroup at most this many calls per transaction; more are flushed in further groups
   */
  constructor(
    private readonly runGroup: (inputs: I[]) => O[],
    private readonly runOne: (input: I) => O,
    private readonly maxGroup = 1_000,
  ) {}

  /** Queues `input` for the next group; resolves once its transaction has committed. */
  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes everything queued now (also used on close so nothing waits on a timer). */
  flush(): void {
    this.scheduled = false;
    while (this.pending.length) {
      const group = this.pending.splice(0, this.maxGroup);
      if (group.length > 1) {
        const outputs = this.tryGroup(group.map((g) => g.input));
        if (outputs) {
          for (const [i, g] of group.entries()) g.resolve(outputs[i]);
          continue;
        }
      }
      for (const g of group) {
        try {
          g.resolve(this.runOne(g.input));
        } catch (err) {
          g.reject(err);
        }
      }
    }
  }

  private tryGroup(inputs: I[]): O[] | undefined {
    try {
      return this.runGroup(inputs);
    } catch {
      return undefined; // rolled back: each call is retried alone
    }
  }
}
