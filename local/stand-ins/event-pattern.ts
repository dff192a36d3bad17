/**
 * EventBridge event-pattern matching, the operators this project's rules use: exact values (arrays are
 * OR), nested objects, `prefix`, `suffix`, `anything-but` (value, list or {prefix}), `exists`,
 * `equals-ignore-case`, `numeric`. An event array field matches when any element matches.
 */
export type EventPattern = Record<string, unknown>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (!isObject(event)) return false;
  return Object.entries(pattern).every(([key, expected]) => {
    const present = Object.hasOwn(event, key);
    const value = event[key];
    if (isObject(expected)) return present && matchesPattern(expected, value);
    if (!Array.isArray(expected)) throw new Error(`pattern value of "${key}" must be an array or an object`);
    return expected.some((rule) => matchesRule(rule, present, value));
  });
}

function matchesRule(rule: unknown, present: boolean, value: unknown): boolean {
  if (isObject(rule) && 'exists' in rule) return rule.exists === present;
  if (!present) return false;
  const values = Array.isArray(value) ? value : [value];
  return values.some((one) => matchesScalar(rule, one));
}

function matchesScalar(rule: unknown, value: unknown): boolean {
  if (!isObject(rule)) return rule === value;
  const [operator, operand] = Object.entries(rule)[0] ?? [];
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && typeof operand === 'string' && value.startsWith(operand);
    case 'suffix':
      return typeof value === 'string' && typeof operand === 'string' && value.endsWith(operand);
    case 'equals-ignore-case':
      return (
        typeof value === 'string' &&
        typeof operand === 'string' &&
        value.toLowerCase() === operand.toLowerCase()
      );
    case 'anything-but': {
      if (isObject(operand)) return !matchesScalar(operand, value);
      const excluded = Array.isArray(operand) ? operand : [operand];
      return !excluded.includes(value);
    }
    case 'numeric': {
      if (typeof value !== 'number' || !Array.isArray(operand)) return false;
      for (let i = 0; i + 1 < operand.length; i += 2) {
        const limit = Number(operand[i + 1]);
        const ok = {
          '<': value < limit,
          '<=': value <= limit,
          '>': value > limit,
          '>=': value >= limit,
          '=': value === limit,
        }[String(operand[i])];
        if (!ok) return false;
      }
      return true;
    }
    default:
      throw new Error(`event pattern operator "${operator}" is not supported by the local stand-in`);
  }
}
