// Building a DateTimeFormat costs far more than formatting with one, and a broadcast start checks a
// zone per customer: formatters are memoised per zone name (a zone's formatter never changes). Only
// names that resolve are kept, and at most 1,000 of them (Intl also accepts any letter case).
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 1000;

/** A formatter for `timeZone` giving numeric date and 24-hour time parts; throws on an unknown zone. */
export function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      // h23: some ICU versions print midnight as 24 with hour12: false.
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    if (formatters.size < MAX_FORMATTERS) formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA zone name this runtime knows (`Intl` refuses others). */
export function isTimeZone(timeZone: string): boolean {
  if (timeZone === '' || timeZone.length > 64) return false;
  try {
    zoneFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}
