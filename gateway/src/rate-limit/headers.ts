/**
 * The RateLimit header fields of the IETF draft (draft-ietf-httpapi-ratelimit-headers, the
 * Structured Fields syntax of drafts 09-12): `RateLimit-Policy` names the policy with its
 * quota `q` and window `w` in seconds; `RateLimit` gives what `r` remains and the seconds `t`
 * until the window ends. A refused answer adds `Retry-After` (RFC 9110), the same `t`.
 */
export interface RateLimitState {
  policy: string;
  limit: number;
  windowSeconds: number;
  remaining: number;
  resetSeconds: number;
  admitted: boolean;
}

export function rateLimitHeaders(state: RateLimitState): Array<[string, string]> {
  const name = `"${state.policy}"`;
  const headers: Array<[string, string]> = [
    ['ratelimit-policy', `${name};q=${state.limit};w=${state.windowSeconds}`],
    ['ratelimit', `${name};r=${state.remaining};t=${state.resetSeconds}`],
  ];
  if (!state.admitted) headers.push(['retry-after', String(state.resetSeconds)]);
  return headers;
}
