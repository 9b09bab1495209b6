/** Builds a path from literal parts and values, each value URL-encoded (addresses hold `@`, `+` …). */
export function path(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce(
    (out, s, i) => out + s + (i < values.length ? encodeURIComponent(values[i] as string) : ''),
    '',
  );
}
