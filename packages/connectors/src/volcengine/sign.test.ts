import { describe, expect, test } from "vitest";
import signingVectors from "./fixtures/signing-vectors.json" with { type: "json" };
import {
  canonicalQueryString,
  canonicalRequest,
  formatXDate,
  sha256Hex,
  signVolcengineRequest,
  volcengineSignature,
} from "./sign.ts";

const emptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

describe("Volcano Engine request signing", () => {
  test("the canonical request matches the worked example in Volcano Engine's signing docs", () => {
    // https://www.volcengine.com/docs/6408/78948 (签名示例): GET ListUsers with an empty body.
    const { canonical, signedHeaders } = canonicalRequest({
      method: "GET",
      path: "/",
      query: new URLSearchParams("Action=ListUsers&Version=2020-04-01&Limit=10&Offset=0"),
      headers: {
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        Host: "open.volcengineapi.com",
        "X-Content-Sha256": emptySha256,
        "X-Date": "20200401T081805Z",
      },
      bodySha256: sha256Hex(""),
    });
    expect(signedHeaders).toBe("content-type;host;x-content-sha256;x-date");
    expect(canonical).toBe(
      [
        "GET",
        "/",
        "Action=ListUsers&Limit=10&Offset=0&Version=2020-04-01",
        "content-type:application/x-www-form-urlencoded; charset=utf-8",
        "host:open.volcengineapi.com",
        `x-content-sha256:${emptySha256}`,
        "x-date:20200401T081805Z",
        "",
        "content-type;host;x-content-sha256;x-date",
        emptySha256,
      ].join("\n"),
    );
  });

  test("query parameters are RFC 3986 encoded and sorted by name", () => {
    expect(canonicalQueryString(new URLSearchParams("b=x y&a=1*2&A=~ok"))).toBe("A=~ok&a=1%2A2&b=x%20y");
  });

  test("X-Date is the UTC time in basic ISO 8601 form", () => {
    expect(formatXDate(new Date("2020-04-01T08:18:05.123Z"))).toBe("20200401T081805Z");
  });

  test("the Authorization header names the key, scope and signed headers (as the SDK signs: not content-type or host), and the body hash is sent", () => {
    const body = JSON.stringify({ BillPeriod: "2024-03", Limit: 10 });
    const headers = signVolcengineRequest({
      method: "POST",
      url: new URL("https://billing.volcengineapi.com/?Action=ListBillDetail&Version=2022-01-01"),
      headers: { "Content-Type": "application/json" },
      body,
      accessKeyId: "AKLTexample",
      secretAccessKey: "secret-example",
      region: "cn-north-1",
      service: "billing",
      date: new Date("2024-03-05T01:02:03Z"),
    });
    expect(headers["x-date"]).toBe("20240305T010203Z");
    expect(headers["x-content-sha256"]).toBe(sha256Hex(body));
    expect(headers["content-type"]).toBe("application/json");
    expect(headers.host).toBeUndefined();
    expect(headers.authorization).toMatch(
      /^HMAC-SHA256 Credential=AKLTexample\/20240305\/cn-north-1\/billing\/request, SignedHeaders=x-content-sha256;x-date, Signature=[0-9a-f]{64}$/,
    );
    expect(headers.authorization).not.toContain("secret-example");
  });

  test("changing the secret, the body or the time changes the signature", () => {
    const base = {
      method: "POST",
      url: new URL("https://billing.volcengineapi.com/?Action=ListBillDetail&Version=2022-01-01"),
      body: "{}",
      accessKeyId: "AKLTexample",
      secretAccessKey: "secret-example",
      region: "cn-north-1",
      service: "billing",
      date: new Date("2024-03-05T01:02:03Z"),
    };
    const signature = (input: typeof base) =>
      signVolcengineRequest(input).authorization!.split("Signature=")[1];
    const reference = signature(base);
    expect(signature({ ...base })).toBe(reference);
    expect(signature({ ...base, secretAccessKey: "other" })).not.toBe(reference);
    expect(signature({ ...base, body: '{"Limit":1}' })).not.toBe(reference);
    expect(signature({ ...base, date: new Date("2024-03-05T01:02:04Z") })).not.toBe(reference);
  });
});

interface SigningVector {
  name: string;
  input: {
    method: string;
    path: string;
    query: Record<string, string>;
    body: string | null;
    headers: Record<string, string>;
    region: string;
    service: string;
    date: string;
    accessKeyId: string;
    secretAccessKey: string;
  };
  expected: {
    canonicalRequest: string;
    stringToSign: string;
    signedHeaders: string;
    headers: Record<string, string>;
    authorization: string;
  };
}

const vectors = signingVectors as unknown as {
  vectors: SigningVector[];
  wire: {
    request: { method: string; url: string; body: string; region: string; service: string; date: string };
    headers: Record<string, string>;
  };
};

function inputOf(vector: SigningVector) {
  const url = new URL(`https://billing.volcengineapi.com${vector.input.path}`);
  for (const [name, value] of Object.entries(vector.input.query)) url.searchParams.append(name, value);
  return {
    method: vector.input.method,
    url,
    headers: vector.input.headers,
    ...(vector.input.body === null ? {} : { body: vector.input.body }),
    accessKeyId: vector.input.accessKeyId,
    secretAccessKey: vector.input.secretAccessKey,
    region: vector.input.region,
    service: vector.input.service,
    date: new Date(vector.input.date),
  };
}

describe("Volcano Engine signing against the official SDK's test vectors (fixtures/signing-vectors.md)", () => {
  test.each(vectors.vectors.map((vector) => [vector.name, vector] as const))(
    "%s: same Authorization header, byte for byte",
    (_name, vector) => {
      const headers = signVolcengineRequest(inputOf(vector));
      expect(headers.authorization).toBe(vector.expected.authorization);
      expect(headers["x-date"]).toBe(vector.expected.headers["X-Date"]);
      expect(headers["x-content-sha256"]).toBe(vector.expected.headers["X-Content-Sha256"]);
    },
  );

  test.each(vectors.vectors.map((vector) => [vector.name, vector] as const))(
    "%s: same canonical request and string to sign",
    (_name, vector) => {
      const signed = volcengineSignature(inputOf(vector));
      expect(signed.canonicalRequest).toBe(vector.expected.canonicalRequest);
      expect(signed.stringToSign).toBe(vector.expected.stringToSign);
      expect(signed.signedHeaders).toBe(vector.expected.signedHeaders);
    },
  );

  test("the connector's ListBillDetail request carries the headers the SDK's BillingService sent", () => {
    const { request, headers: sent } = vectors.wire;
    const headers = signVolcengineRequest({
      method: request.method,
      url: new URL(`https://billing.volcengineapi.com${request.url}`),
      headers: { "content-type": sent["content-type"]! },
      body: request.body,
      accessKeyId: "AKLTexampleAccessKeyId0001",
      secretAccessKey: "ZXhhbXBsZVNlY3JldEFjY2Vzc0tleTAwMDE=",
      region: request.region,
      service: request.service,
      date: new Date(request.date),
    });
    expect(headers).toEqual({
      "content-type": sent["content-type"],
      "x-date": sent["x-date"],
      "x-content-sha256": sent["x-content-sha256"],
      authorization: sent.authorization,
    });
  });
});
