import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleAnthropicCostReport } from "./anthropic.ts";
import type { ProviderRequestContext } from "./context.ts";
import { FaultBook, faultRequestSchema } from "./faults.ts";
import { handleOpenAICosts } from "./openai.ts";
import { handleOpenRouter } from "./openrouter.ts";
import { RateLimiter, type SandboxPacing, type SandboxProvider, sandboxProviders } from "./ratelimit.ts";
import { readBody, sendJson } from "./respond.ts";
import { handleStripeSubscriptions } from "./stripe.ts";
import { handleVolcengine } from "./volcengine.ts";

export interface SandboxOptions {
  /** Port to listen on; 0 picks a free one. (Default: 0) */
  port?: number;
  /** Interface to bind. (Default: 127.0.0.1) */
  host?: string;
  /**
   * Per-provider, per-key rate limits (minimum interval + hourly cap, SPEC S1 defaults), scaled by
   * `scale`. (Default: `{ scale: 0 }`, rate limiting off, so tests that make quick calls pass)
   */
  pacing?: SandboxPacing;
}

export interface RunningSandbox {
  /** Origin of the sandbox, e.g. http://127.0.0.1:4010. A provider's base URL is `${url}/<provider id>`. */
  url: string;
  /** Stops listening and drops every open connection, including held "timeout" requests. */
  close(): Promise<void>;
}

/** Starts a local server that behaves like the providers' APIs, with per-key fault injection. */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const faults = new FaultBook();
  const limits = new RateLimiter(options.pacing);
  const held = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  const hold = (res: ServerResponse) => {
    held.add(res);
    res.on("close", () => held.delete(res));
  };

  const server = createServer((req, res) => {
    handle(req, res, { faults, limits, sleep, hold }).catch((error: unknown) => {
      sendJson(res, 500, { error: { message: `sandbox failure: ${String(error)}`, type: "server_error" } });
    });
  });

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${urlHost}:${address.port}`,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await closed;
    },
  };
}

type Shared = Pick<ProviderRequestContext, "faults" | "limits" | "sleep" | "hold">;

async function handle(req: IncomingMessage, res: ServerResponse, shared: Shared): Promise<void> {
  const url = new URL(req.url ?? "/", "http://sandbox.invalid");
  const route = `${req.method} ${url.pathname.replace(/\/+$/, "")}`;

  switch (route) {
    case "GET /healthz":
      return sendJson(res, 200, { ok: true });
    case "GET /openai/v1/organization/costs":
      return handleOpenAICosts({ req, res, url, ...shared });
    case "GET /anthropic/v1/organizations/cost_report":
      return handleAnthropicCostReport({ req, res, url, ...shared });
    case "GET /openrouter/api/v1/credits":
      return handleOpenRouter({ req, res, url, ...shared }, "credits");
    case "GET /openrouter/api/v1/activity":
      return handleOpenRouter({ req, res, url, ...shared }, "activity");
    case "GET /stripe/v1/subscriptions":
      return handleStripeSubscriptions({ req, res, url, ...shared });
    case "GET /volcengine":
    case "POST /volcengine":
      return handleVolcengine({ req, res, url, ...shared });
    case "POST /__sandbox/faults":
      return addFault(req, res, shared.faults);
    case "DELETE /__sandbox/faults": {
      const key = requireKey(url, res);
      if (key !== undefined) sendJson(res, 200, { key, cleared: shared.faults.clear(key) });
      return;
    }
    case "GET /__sandbox/requests": {
      const key = requireKey(url, res);
      if (key !== undefined) {
        const { faults } = shared;
        sendJson(res, 200, { key, count: faults.requestCount(key), throttled: faults.throttledCount(key) });
      }
      return;
    }
    case "GET /__sandbox/rate-limits": {
      const provider = url.searchParams.get("provider");
      if (!sandboxProviders.includes(provider as SandboxProvider)) {
        return sendJson(res, 400, {
          error: `Query parameter 'provider' must be one of ${sandboxProviders.join(", ")}, got ${JSON.stringify(provider)}`,
        });
      }
      const key = requireKey(url, res);
      if (key !== undefined) sendJson(res, 200, shared.limits.state(provider as SandboxProvider, key));
      return;
    }
  }
  sendJson(res, 404, {
    error: { message: `No sandbox route for ${req.method} ${url.pathname}`, type: "not_found" },
  });
}

async function addFault(req: IncomingMessage, res: ServerResponse, faults: FaultBook): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch (error) {
    const reason = error instanceof SyntaxError ? "body is not valid JSON" : String(error);
    return sendJson(res, 400, { error: `Invalid fault request: ${reason}` });
  }
  const parsed = faultRequestSchema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "body"}: ${issue.message}`,
    );
    return sendJson(res, 400, { error: `Invalid fault request: ${problems.join("; ")}` });
  }
  const pending = faults.add(parsed.data);
  sendJson(res, 201, { key: parsed.data.key, kind: parsed.data.kind, pending });
}

function requireKey(url: URL, res: ServerResponse): string | undefined {
  const key = url.searchParams.get("key");
  if (key) return key;
  sendJson(res, 400, { error: "Missing query parameter 'key': the API key whose state to read or clear" });
  return undefined;
}
