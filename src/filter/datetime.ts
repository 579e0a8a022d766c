/**
 * Datetimes for `range` conditions. Qdrant compares datetimes at microsecond resolution in UTC and accepts
 * RFC 3339 (`2023-02-08T10:49:00Z`, `...+01:00`, fractional seconds) plus a few relaxed forms: a space instead
 * of `T`, an offset without a colon (`+0100`), no offset at all (read as UTC), `YYYY-MM-DD HH:MM`, and a bare
 * date `YYYY-MM-DD` (midnight UTC). Payload strings are parsed with the same rules at scan time; a string that
 * does not parse simply does not match.
 */

const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Microseconds since the Unix epoch (UTC), or undefined when `s` is no datetime in an accepted form. */
export function parseDatetimeMicros(s: string): number | undefined {
  const m = DATETIME.exec(s);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const hasTime = m[4] !== undefined;
  const hour = hasTime ? Number(m[4]) : 0;
  const minute = hasTime ? Number(m[5]) : 0;
  const second = m[6] !== undefined ? Number(m[6]) : 0;
  // 60 is a leap second, which RFC 3339 allows; chrono folds it into the next second, and so does Date.UTC.
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  // An offset needs seconds in RFC 3339 and in Qdrant's relaxed `%H:%M:%S%#z` forms.
  const hasOffset = m[8] !== undefined || m[9] !== undefined;
  if (hasOffset && m[6] === undefined) return undefined;
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  // Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear does not.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  // Truncate to microseconds by digits, not by float arithmetic (0.000001 * 1e6 is not exactly 1).
  const fraction = m[7] !== undefined ? Number(`${m[7]}000000`.slice(0, 6)) : 0;
  return (date.getTime() - offsetMinutes * 60_000) * 1000 + fraction;
}
