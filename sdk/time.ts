/** Seconds since the epoch as a UTC date and time to the minute, as people read it: "2026-12-02 11:33 UTC". */
export function utcMinutes(seconds: number | bigint | string): string {
  const iso = new Date(Number(seconds) * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
