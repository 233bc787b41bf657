import type { IncomingHttpHeaders } from 'node:http';

/**
 * A subgraph's answer as `RemoteGraphQLDataSource` reads it (`sendRequest`, `parseBody`,
 * `errorFromResponse`, `respond`): `ok`, `status`, `statusText`, `url`, `headers.get`, and the
 * body once through `json()` or `text()`. Only those members: a WHATWG `Response` would build
 * a `Headers` object and a web stream over the socket's body for every call, which is what
 * this replaces.
 */
export class SubgraphResponse {
  readonly ok: boolean;
  readonly headers: SubgraphHeaders;
  private used = false;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    headers: IncomingHttpHeaders,
    /** Reads the whole body, once; it ends the call (its timer and abort listener) either way. */
    private readonly readBody: () => Promise<string>,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new SubgraphHeaders(headers);
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  text(): Promise<string> {
    // As a fetch Response: the body is a stream, read once.
    if (this.used) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.used = true;
    return this.readBody();
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }
}

/** Read access to the answer's headers by case-insensitive name, as `Headers.get` and `has`. */
export class SubgraphHeaders {
  constructor(private readonly fields: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.fields[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  has(name: string): boolean {
    return this.fields[name.toLowerCase()] !== undefined;
  }
}
