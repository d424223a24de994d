/**
 * Certificate times as epoch milliseconds. Each parser refuses what `Date` would silently roll
 * over (Feb 30, 24:00) and anything without an explicit zone, so a bad time is never read as
 * some other time.
 */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * A time as Cloudflare writes `certNotAfter` (OpenSSL's `Dec 22 19:39:00 2029 GMT`, the day
 * possibly space-padded) or ISO 8601 with `Z` or an offset; null for anything else.
 */
export function parseCertificateTime(input: string): number | null {
  const text = input.trim();
  const openssl = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/.exec(text);
  if (openssl) {
    const [, month = "", day, hour, minute, second, year] = openssl;
    const monthIndex = MONTHS.indexOf(month);
    if (monthIndex < 0) return null;
    return utcTime(Number(year), monthIndex + 1, Number(day), Number(hour), Number(minute), Number(second));
  }
  const iso = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (iso) {
    const [, year, month, day, hour, minute, second = "0", fraction = "", zone, sign, offsetHours, offsetMinutes] = iso;
    const time = utcTime(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second));
    if (time === null) return null;
    const millis = fraction === "" ? 0 : Math.floor(Number(`0${fraction}`) * 1000);
    const offset = zone === "Z" ? 0 : (sign === "-" ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
    return time + millis - offset;
  }
  return null;
}

/** Date.UTC with a 1-based month, or null when a field is out of range. */
export function utcTime(year: number, month: number, day: number, hour: number, minute: number, second: number): number | null {
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(time);
  const exact =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return exact ? time : null;
}
