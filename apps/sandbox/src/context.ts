import type { IncomingMessage, ServerResponse } from "node:http";
import type { FaultBook } from "./faults.ts";
import type { RateLimiter } from "./ratelimit.ts";

export interface ProviderRequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  faults: FaultBook;
  limits: RateLimiter;
  /** Parks a response forever (the "timeout" fault) until the client leaves or the server closes. */
  hold(res: ServerResponse): void;
  sleep(ms: number): Promise<void>;
}
