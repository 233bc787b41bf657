import type { Logger } from './logger.js';

/** What every GraphQL request carries, in every process. */
export interface RequestContext {
  requestId: string;
  log: Logger;
  /** The raw `authorization` header, forwarded by the gateway. */
  authorization: string | undefined;
}
