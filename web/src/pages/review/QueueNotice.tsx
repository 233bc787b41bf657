import { useEffect, useState } from 'react';
import type { QueueWait } from '../../booking-attempt';

interface QueueNoticeProps {
  /** Waiting to send the booking again after RATE_LIMITED. */
  queue: QueueWait | null;
  /** The booking request has taken longer than a moment. */
  slow: boolean;
  /** Stop the automatic retries. */
  onLeave: () => void;
}

/** That the traveller waits in the booking queue at a rush (design §4), with the wait and a way out. */
export function QueueNotice({ queue, slow, onLeave }: QueueNoticeProps) {
  // Keyed by the retry, so each wait counts down from its own start.
  if (queue) return <QueueWaiting key={queue.retryAt} queue={queue} onLeave={onLeave} />;
  if (slow) {
    return (
      <p role="status" className="notice queue-notice">
        Waiting for your place in the queue…
      </p>
    );
  }
  return null;
}

function QueueWaiting({ queue, onLeave }: { queue: QueueWait; onLeave: () => void }) {
  const left = useSecondsUntil(queue.retryAt);
  return (
    <div role="status" className="notice queue-notice">
      <p>Many travellers are booking right now: you are in the queue.</p>
      <p>
        {left > 0 ? `We will try again in ${left} s` : 'Trying again now'} (try {queue.retry} of {queue.retries}), with
        the same booking, so you cannot be charged twice.
      </p>
      <button type="button" onClick={onLeave}>
        Stop waiting
      </button>
    </div>
  );
}

/** Whole seconds until `at` (ms since the epoch), counting down every second. */
function useSecondsUntil(at: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [at]);
  return Math.max(0, Math.ceil((at - now) / 1_000));
}
