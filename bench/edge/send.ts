// The edge benchmark's client: one GraphQL request, timed, and what came of it.

/** What one request got: its time, and `ok`, its first error code, `HTTP <status>` or the transport failure. */
export interface Outcome {
  ms: number;
  outcome: string;
  /** Length of the answer's text. */
  bytes: number;
  data?: unknown;
}

export async function send(url: string, body: string): Promise<Outcome> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(180_000),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    let parsed: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } | undefined;
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      parsed = undefined;
    }
    const code = parsed?.errors?.[0]?.extensions?.code;
    // A 5xx is always shown as such, typed or not: the goal is that none occurs.
    const outcome = !parsed
      ? `HTTP ${response.status}`
      : response.status >= 500
        ? `${code ?? 'untyped'} (HTTP ${response.status})`
        : (code ?? 'ok');
    return { ms, outcome, bytes: text.length, data: parsed?.data };
  } catch (error) {
    return { ms: performance.now() - started, outcome: `transport ${(error as Error).name}`, bytes: 0 };
  }
}
