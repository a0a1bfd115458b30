/**
 * A JSON number as a plain decimal string. `toString()` is already the shortest exact
 * round-trip form, except that it switches to exponent notation below 1e-6 and above 1e21.
 */
export function numberToDecimalString(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const text = value.toString();
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign = "", lead = "", rest = "", exp = "0"] = match;
  const digits = lead + rest;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Exact sum of decimal strings, for providers that split one line item over several results. */
export function addDecimalStrings(a: string, b: string): string {
  const scale = Math.max(fractionLength(a), fractionLength(b));
  const sum = toScaled(a, scale) + toScaled(b, scale);
  const negative = sum < 0n;
  const digits = (negative ? -sum : sum).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale === 0 ? "" : digits.slice(digits.length - scale).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

function fractionLength(value: string): number {
  const dot = value.indexOf(".");
  return dot === -1 ? 0 : value.length - dot - 1;
}

function toScaled(value: string, scale: number): bigint {
  const negative = value.startsWith("-");
  const unsigned = negative ? value.slice(1) : value;
  const [whole = "0", fraction = ""] = unsigned.split(".");
  const scaled = BigInt(whole + fraction.padEnd(scale, "0"));
  return negative ? -scaled : scaled;
}

const decimalPattern = /^-?\d+(\.\d+)?$/;

export function isDecimalString(value: string): boolean {
  return decimalPattern.test(value);
}

/**
 * Moves the decimal point of a decimal string by `places` (negative = divide by 10^-places),
 * exactly, and prints the result without redundant zeros: shiftDecimalString("123.45", -2) is
 * "1.2345".
 */
export function shiftDecimalString(value: string, places: number): string {
  if (!decimalPattern.test(value)) throw new RangeError(`not a decimal string: ${JSON.stringify(value)}`);
  const negative = value.startsWith("-");
  const [whole = "0", fraction = ""] = (negative ? value.slice(1) : value).split(".");
  let digits = whole + fraction;
  let point = whole.length + places;
  if (point <= 0) {
    digits = "0".repeat(1 - point) + digits;
    point = 1;
  } else if (point > digits.length) {
    digits = digits.padEnd(point, "0");
  }
  const fractionDigits = digits.slice(point);
  const text = `${digits.slice(0, point)}${fractionDigits ? `.${fractionDigits}` : ""}`;
  return normalizeDecimalString(`${negative ? "-" : ""}${text}`);
}

/** "012.3400" -> "12.34", "-0.0" -> "0": one spelling per value, so upserts compare equal. */
export function normalizeDecimalString(value: string): string {
  if (!decimalPattern.test(value)) throw new RangeError(`not a decimal string: ${JSON.stringify(value)}`);
  const negative = value.startsWith("-");
  const [whole = "0", fraction = ""] = (negative ? value.slice(1) : value).split(".");
  const cleanWhole = whole.replace(/^0+(?=\d)/, "");
  const cleanFraction = fraction.replace(/0+$/, "");
  const text = cleanFraction ? `${cleanWhole}.${cleanFraction}` : cleanWhole;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}
