import { HeaderMap } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import { answeredCodes } from '../src/answered-codes.js';

const http = { status: undefined, headers: new HeaderMap() };

describe('the codes an answer carries', () => {
  it('are the formatted errors the client receives, in order', () => {
    expect(
      answeredCodes({
        http,
        body: {
          kind: 'single',
          singleResult: {
            errors: [
              { message: 'too deep', extensions: { code: 'OPERATION_TOO_COMPLEX' } },
              { message: 'x', extensions: { code: 'SERVICE_UNAVAILABLE' } },
            ],
          },
        },
      }),
    ).toEqual(['OPERATION_TOO_COMPLEX', 'SERVICE_UNAVAILABLE']);
  });

  it('count an error without a code as internal, and a success as none', () => {
    expect(answeredCodes({ http, body: { kind: 'single', singleResult: { errors: [{ message: 'x' }] } } })).toEqual([
      'INTERNAL_SERVER_ERROR',
    ]);
    expect(answeredCodes({ http, body: { kind: 'single', singleResult: { data: { ok: true } } } })).toEqual([]);
  });

  it('read the first part of an incremental answer', () => {
    const subsequentResults = (async function* () {})();
    expect(
      answeredCodes({
        http,
        body: {
          kind: 'incremental',
          initialResult: { hasNext: true, errors: [{ message: 'x', extensions: { code: 'BAD_USER_INPUT' } }] },
          subsequentResults,
        },
      }),
    ).toEqual(['BAD_USER_INPUT']);
  });
});
