/**
 * `{ [key]: value }`, or `{}` when the value is undefined: records keep absent fields absent
 * (`exactOptionalPropertyTypes`), rather than holding `undefined`.
 */
export const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
