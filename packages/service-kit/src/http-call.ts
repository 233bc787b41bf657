/**
 * The parts of an outgoing HTTP call through undici's `Dispatcher.request` that every caller
 * needs: where it goes (`requestTarget`) and what bounds it (`CallDeadline`).
 */

/** A URL as `Dispatcher.request` takes it. */
export interface RequestTarget {
  origin: string;
  path: string;
}

/** Peers are a handful of configured URLs; a bound keeps a caller with varying URLs from growing it. */
const MAX_TARGETS = 256;
const targets = new Map<string, RequestTarget>();

/** `url` split for `Dispatcher.request`, parsed once per URL rather than once per call. */
export function requestTarget(url: string): RequestTarget {
  let target = targets.get(url);
  if (!target) {
    const parsed = new URL(url);
    target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(url, target);
  }
  return target;
}

/**
 * The abort signal of one outgoing HTTP call: aborted with a `TimeoutError` once `timeoutMs`
 * have passed since the call began (the whole call: connection, headers and body), or with
 * the reason of `linked` (an operation stopped) when that is aborted first. The caller ends it
 * once the body has been read or the call failed, which clears the timer and unhooks `linked`.
 *
 * One controller and one timer per call, rather than `AbortSignal.timeout` and
 * `AbortSignal.any`: those cost a timer object, weak references and a finalization registry
 * per call, on every call between services. undici's own `headersTimeout`/`bodyTimeout` do not
 * fit either: they bound the wait for the headers and the gap between two chunks of the body,
 * not the call as a whole.
 */
export class CallDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onLinkedAbort: (() => void) | undefined;

  constructor(
    timeoutMs: number,
    private readonly linked?: AbortSignal,
  ) {
    this.timer = setTimeout(() => this.controller.abort(timeoutError()), timeoutMs);
    // As `AbortSignal.timeout`: a pending call does not keep the process alive by itself.
    this.timer.unref();
    if (linked?.aborted) {
      this.controller.abort(linked.reason);
    } else if (linked) {
      this.onLinkedAbort = () => this.controller.abort(linked.reason);
      linked.addEventListener('abort', this.onLinkedAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The call is over: no timeout, no abort from `linked` any more. Idempotent. */
  end(): void {
    clearTimeout(this.timer);
    if (this.onLinkedAbort) this.linked?.removeEventListener('abort', this.onLinkedAbort);
  }
}

/** The reason `AbortSignal.timeout` aborts with, made only when a call does time out. */
const timeoutError = (): DOMException => new DOMException('The operation was aborted due to timeout', 'TimeoutError');
