import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ cronSecret: "a-cron-secret-of-32-characters!!" });
});
afterAll(() => s.close());

interface Sent {
  status: number | null;
  body: string;
  connectionHeader: string | undefined;
  bytesWritten: number;
  socketClosed: boolean;
}

/**
 * Streams `total` bytes to `path` in 64 KiB chunks, chunked or with a Content-Length, and stops
 * writing as soon as the server answers or closes. Only one chunk is ever held in memory.
 */
function stream(path: string, total: number, options: { contentLength?: boolean } = {}): Promise<Sent> {
  const url = new URL(path, s.server.url);
  const chunk = Buffer.alloc(64 * 1024, "a");
  return new Promise((resolve) => {
    const result: Sent = {
      status: null,
      body: "",
      connectionHeader: undefined,
      bytesWritten: 0,
      socketClosed: false,
    };
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(result);
    };
    const request = http.request(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.contentLength ? { "content-length": String(total) } : {}),
      },
    });
    request.on("response", (response) => {
      result.status = response.statusCode ?? null;
      result.connectionHeader = response.headers.connection;
      response.setEncoding("utf8");
      response.on("data", (text: string) => {
        result.body += text;
      });
      response.on("end", () => {
        if (result.socketClosed) finish();
        else setTimeout(finish, 2_000);
      });
    });
    request.on("socket", (socket) => {
      socket.once("close", () => {
        result.socketClosed = true;
        if (result.status !== null) finish();
      });
    });
    request.on("error", () => {
      // EPIPE or ECONNRESET while still sending: the server closed the connection on us.
      if (result.status !== null) result.socketClosed = true;
      finish();
    });
    const pump = () => {
      while (result.status === null && !request.destroyed && result.bytesWritten < total) {
        result.bytesWritten += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", pump);
      }
      if (result.bytesWritten >= total) request.end();
    };
    pump();
  });
}

describe("request body limit", () => {
  it("answers 413 with a JSON error and closes the connection for a declared 2 MB login", async () => {
    const sent = await stream("/trpc/auth.login", 2 * 1024 * 1024, { contentLength: true });
    expect(sent.status).toBe(413);
    expect(JSON.parse(sent.body)).toEqual({
      error: "Request body too large: at most 1048576 bytes",
      requestId: expect.any(String),
    });
    expect(sent.connectionHeader).toBe("close");
    expect(sent.socketClosed).toBe(true);
  });

  it("stops reading a chunked body at the limit, on every route", async () => {
    for (const path of ["/trpc/auth.login", "/api/jobs/credits/grant", "/healthz", "/no/such/route"]) {
      const sent = await stream(path, 20 * 1024 * 1024);
      expect(sent.status, path).toBe(413);
      expect(sent.socketClosed, path).toBe(true);
      // The server answered long before the 20 MB were sent.
      expect(sent.bytesWritten, path).toBeLessThan(8 * 1024 * 1024);
    }
  });

  it("keeps the server's memory flat under four concurrent 50 MB logins", async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    const results = await Promise.all(
      Array.from({ length: 4 }, () => stream("/trpc/auth.login", 50 * 1024 * 1024)),
    );
    const grown = process.memoryUsage().rss - before;
    expect(results.map((sent) => sent.status)).toEqual([413, 413, 413, 413]);
    // Reading the four bodies whole took the server from 342 MB to 824 MB before the limit.
    expect(grown).toBeLessThan(100 * 1024 * 1024);
  });

  it("still accepts a body under the limit", async () => {
    const response = await fetch(`${s.server.url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { username: "admin", password: "x".repeat(900) } }),
    });
    expect(response.status).toBe(401);
  });
});
