import { describe, expect, test } from "vitest";
import {
  addDecimalStrings,
  normalizeDecimalString,
  numberToDecimalString,
  shiftDecimalString,
} from "./decimal.ts";
import { parseRetryAfter } from "./errors.ts";

describe("Retry-After parsing", () => {
  test("delta seconds become milliseconds", () => {
    expect(parseRetryAfter("120")).toBe(120_000);
    expect(parseRetryAfter("0")).toBe(0);
  });

  test("an HTTP date becomes the milliseconds until then", () => {
    const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now)).toBe(0);
  });

  test("a missing or unreadable header gives no delay", () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});

describe("decimal amounts", () => {
  test("numbers print as plain decimals even where JavaScript would use an exponent", () => {
    expect(numberToDecimalString(0.06)).toBe("0.06");
    expect(numberToDecimalString(1.234567)).toBe("1.234567");
    expect(numberToDecimalString(1e-7)).toBe("0.0000001");
    expect(numberToDecimalString(-2.5e-8)).toBe("-0.000000025");
    expect(numberToDecimalString(1.5e21)).toBe("1500000000000000000000");
  });

  test("decimal strings add without float noise", () => {
    expect(addDecimalStrings("0.1", "0.2")).toBe("0.3");
    expect(addDecimalStrings("1.000001", "2")).toBe("3.000001");
    expect(addDecimalStrings("-0.5", "0.25")).toBe("-0.25");
  });

  test("amounts in cents shift to whole currency units exactly", () => {
    expect(shiftDecimalString("123.45", -2)).toBe("1.2345");
    expect(shiftDecimalString("5", -2)).toBe("0.05");
    expect(shiftDecimalString("0.3", -2)).toBe("0.003");
    expect(shiftDecimalString("-1200", -2)).toBe("-12");
    expect(shiftDecimalString("1.5", 2)).toBe("150");
    expect(() => shiftDecimalString("1e3", -2)).toThrow(RangeError);
  });

  test("decimal strings normalise to one spelling per value", () => {
    expect(normalizeDecimalString("012.3400")).toBe("12.34");
    expect(normalizeDecimalString("0.00")).toBe("0");
    expect(normalizeDecimalString("-0.0")).toBe("0");
    expect(normalizeDecimalString("100")).toBe("100");
  });
});
