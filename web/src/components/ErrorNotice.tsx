import { plainMessage } from '../errors';

/** A failed request in plain words, with a way to try again. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <div role="alert" className="notice error">
      <p>{plainMessage(error)}</p>
      <button type="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
