/** Event-type subscriptions. A pattern is an exact name (`order.completed`), a prefix wildcard
 * (`order.*`, which matches `order.completed` and `order.item.added`) or `*`. */

const SEGMENT = '[A-Za-z0-9_-]+';
export const EVENT_TYPE_RE = new RegExp(`^${SEGMENT}(\\.${SEGMENT})*$`);
export const EVENT_TYPE_PATTERN_RE = new RegExp(`^(\\*|${SEGMENT}(\\.${SEGMENT})*(\\.\\*)?)$`);
export const MAX_EVENT_TYPE_LENGTH = 255;

export function isValidEventType(type: string): boolean {
  return type.length <= MAX_EVENT_TYPE_LENGTH && EVENT_TYPE_RE.test(type);
}

export function isValidEventTypePattern(pattern: string): boolean {
  return pattern.length <= MAX_EVENT_TYPE_LENGTH && EVENT_TYPE_PATTERN_RE.test(pattern);
}

/** Event types under this prefix are the platform's own operational events (hookrelay.endpoint.failing,
 * ...): tenants cannot dispatch them, and `*` does not match them; only `hookrelay.*` or the exact
 * type subscribes to them. */
export const RESERVED_EVENT_TYPE_PREFIX = 'hookrelay.';

export function isReservedEventType(type: string): boolean {
  return type.startsWith(RESERVED_EVENT_TYPE_PREFIX);
}

/** Every pattern that matches `type`: an endpoint is subscribed when its list shares one of them.
 * This turns matching into an array overlap that a GIN index answers. It is the one subscription
 * rule: both fan-outs (and anything matching events to endpoints) go through it. */
export function patternsMatching(type: string): string[] {
  const segments = type.split('.');
  const patterns = isReservedEventType(type) ? [] : ['*'];
  for (let i = 1; i < segments.length; i++) patterns.push(`${segments.slice(0, i).join('.')}.*`);
  patterns.push(type);
  return patterns;
}

export function matchesEventType(patterns: readonly string[], type: string): boolean {
  const candidates = new Set(patternsMatching(type));
  return patterns.some((p) => candidates.has(p));
}
