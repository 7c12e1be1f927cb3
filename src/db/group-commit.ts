/**
 * Group commit: callers add items one at a time and each waits for its own answer, but the items
 * are written together — everything added while one write is running goes into the next. Under
 * load a write covers many items (one statement and one commit, one fsync, for all of them);
 * with a single caller it is one item, written at once (or after `lingerMs`, to gather more).
 * Used for the per-message statements of a delivery batch whose messages finish at different
 * moments (the provider answers, the SMTP end-of-data marker), and for deleting ingest
 * announcements as their listeners finish.
 */
export interface GroupCommit<T, R> {
  add(item: T): Promise<R>;
  /** Resolves once every item added so far has been written (or has failed): for callers that add without waiting. */
  idle(): Promise<void>;
}

export function groupCommit<T, R>(write: (items: T[]) => Promise<R[]>, options: { max?: number; lingerMs?: number } = {}): GroupCommit<T, R> {
  const max = options.max ?? 500;
  const linger = options.lingerMs ?? 0;
  let pending: { item: T; resolve: (r: R) => void; reject: (err: unknown) => void }[] = [];
  let running = false;
  // Items added and not yet answered, and who waits for there to be none.
  let outstanding = 0;
  let waiters: (() => void)[] = [];
  const settle = (): void => {
    if (--outstanding > 0) return;
    const woken = waiters;
    waiters = [];
    for (const w of woken) w();
  };

  async function drain(): Promise<void> {
    running = true;
    try {
      while (pending.length > 0) {
        const group = pending.slice(0, max);
        pending = pending.slice(group.length);
        try {
          const answers = await write(group.map((g) => g.item));
          group.forEach((g, i) => {
            const answer = answers[i];
            if (answers.length !== group.length) g.reject(new Error(`group commit: ${answers.length} answers for ${group.length} items`));
            else g.resolve(answer as R); // answers has one entry per item (checked just above)
          });
        } catch (err) {
          for (const g of group) g.reject(err);
        }
      }
    } finally {
      running = false;
    }
  }

  return {
    add(item) {
      outstanding++;
      return new Promise<R>((resolve, reject) => {
        pending.push({
          item,
          resolve: (r) => {
            resolve(r);
            settle();
          },
          reject: (err) => {
            reject(err);
            settle();
          },
        });
        // Started on the next turn, so items finishing in the same turn (a fast provider) share a
        // write; or after `lingerMs`, so items finishing one by one (SMTP answers) share one too.
        if (!running) {
          running = true;
          if (linger > 0) setTimeout(() => void drain(), linger);
          else setImmediate(() => void drain());
        }
      });
    },
    idle() {
      return outstanding === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}
