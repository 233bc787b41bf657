/**
 * Fixed-window counters (design §11): the first operation of a caller starts a window of
 * `windowSeconds`; every operation in it adds one; the count starts afresh when it ends.
 */
export interface WindowCount {
  /** Operations counted in the window, this one included. */
  count: number;
  /** Whole seconds until the window ends (at least 1). */
  resetSeconds: number;
}

export interface WindowStore {
  /** Counts one operation under `key`, atomically, and says where its window stands. */
  hit(key: string, windowSeconds: number): Promise<WindowCount>;
  close(): Promise<void>;
}

export interface MemoryStoreOptions {
  /** Most keys held at once; beyond it the oldest window is forgotten (bounded memory). */
  maxKeys?: number;
  /** How often windows that have ended are dropped. */
  sweepIntervalMs?: number;
  now?: () => number;
}

/** Counters in this process: one replica's view only, for a gateway without Redis. */
export function memoryWindowStore(options: MemoryStoreOptions = {}): WindowStore & { size(): number } {
  const maxKeys = options.maxKeys ?? 100_000;
  const now = options.now ?? Date.now;
  // Insertion order is the order windows started in: the first entry is the oldest.
  const windows = new Map<string, { count: number; endsAt: number }>();
  const sweep = () => {
    const at = now();
    for (const [key, window] of windows) if (window.endsAt <= at) windows.delete(key);
  };
  const sweeper = setInterval(sweep, options.sweepIntervalMs ?? 10_000);
  sweeper.unref();

  return {
    async hit(key, windowSeconds) {
      const at = now();
      let window = windows.get(key);
      if (!window || window.endsAt <= at) {
        windows.delete(key);
        if (windows.size >= maxKeys) sweep();
        if (windows.size >= maxKeys) windows.delete(windows.keys().next().value!);
        window = { count: 0, endsAt: at + windowSeconds * 1000 };
        windows.set(key, window);
      }
      window.count += 1;
      return { count: window.count, resetSeconds: Math.max(1, Math.ceil((window.endsAt - at) / 1000)) };
    },
    async close() {
      clearInterval(sweeper);
      windows.clear();
    },
    size: () => windows.size,
  };
}
