import { useId } from 'react';
import { plainMessage } from '../errors';
import { useAuthForms } from './useAuthForms';

/** Sign in, or create an account; on success the session starts and `onSignedIn` runs. */
export function AuthForms({ onSignedIn, intro }: { onSignedIn?: () => void; intro?: string }) {
  const id = useId();
  const { mode, setMode, name, setName, email, setEmail, password, setPassword, busy, error, submit } =
    useAuthForms(onSignedIn);

  return (
    <div className="auth card">
      {intro ? <p>{intro}</p> : null}
      <div className="tabs" role="group" aria-label="Account">
        <button type="button" aria-pressed={mode === 'sign-in'} onClick={() => setMode('sign-in')}>
          Sign in
        </button>
        <button type="button" aria-pressed={mode === 'sign-up'} onClick={() => setMode('sign-up')}>
          Create an account
        </button>
      </div>
      <form onSubmit={(e) => void submit(e)} aria-label={mode === 'sign-in' ? 'Sign in' : 'Create an account'}>
        {mode === 'sign-up' ? (
          <div className="field">
            <label htmlFor={`${id}-name`}>Your name</label>
            <input
              id={`${id}-name`}
              autoComplete="name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
            />
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input
            id={`${id}-email`}
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>Password</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete={mode === 'sign-in' ? 'current-password' : 'new-password'}
            minLength={mode === 'sign-up' ? 10 : undefined}
            aria-describedby={mode === 'sign-up' ? `${id}-password-hint` : undefined}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
          {mode === 'sign-up' ? (
            <p id={`${id}-password-hint`} className="hint">
              At least 10 characters.
            </p>
          ) : null}
        </div>
        {error ? (
          <p role="alert" className="notice error">
            {mode === 'sign-in' && /UNAUTHENTICATED|BAD_USER_INPUT/.test(JSON.stringify(error))
              ? 'That email and password do not match an account.'
              : plainMessage(error)}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {mode === 'sign-in' ? 'Sign in' : 'Create account'}
        </button>
      </form>
    </div>
  );
}
