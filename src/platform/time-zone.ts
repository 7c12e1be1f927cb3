/** Zone names already checked: `Intl.DateTimeFormat` is slow to build, and a broadcast asks per customer. */
const known = new Set<string>(['UTC']);

/** Whether `timeZone` is an IANA zone name this runtime knows (`Intl` refuses others). */
export function isTimeZone(timeZone: string): boolean {
  if (known.has(timeZone)) return true;
  if (timeZone === '' || timeZone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    return false;
  }
  if (known.size < 1000) known.add(timeZone);
  return true;
}
