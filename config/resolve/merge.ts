/** Environment overrides merged over the top-level settings, and name templates expanded. */

type Plain = Record<string, unknown>;

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** Objects merge key by key; arrays and scalars in the override replace the base. */
export function mergeSettings<T>(base: T, override: DeepPartial<T> | undefined): T {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override as T;
  const merged: Plain = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    merged[key] = isPlainObject(value) && isPlainObject(merged[key]) ? mergeSettings(merged[key], value) : value;
  }
  return merged as T;
}

/** `{app}-{env}-{role}` with the values filled in; `{env}` is empty for a shared bucket. */
export function expand(template: string, values: { readonly app: string; readonly env?: string; readonly role: string }): string {
  return template
    .replaceAll('{app}', values.app)
    .replaceAll('{env}', values.env ?? '')
    .replaceAll('{role}', values.role);
}
