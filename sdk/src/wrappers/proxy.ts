/**
 * A view of the caller's client with some members replaced; the client itself is not
 * changed. Every other member is the client's own, with methods bound to it so that SDK
 * classes with private fields keep working through the view.
 */
export function withMembers<T extends object>(
  target: T,
  members: Record<PropertyKey, unknown>,
): T {
  const bound = new Map<PropertyKey, { source: unknown; fn: unknown }>();
  return new Proxy(target, {
    get(object, key) {
      if (Object.hasOwn(members, key)) return members[key];
      const value = Reflect.get(object, key, object);
      if (typeof value !== "function") return value;
      // The same bound function each time, so identity checks on members hold.
      const cached = bound.get(key);
      if (cached?.source === value) return cached.fn;
      const fn = value.bind(object);
      bound.set(key, { source: value, fn });
      return fn;
    },
  });
}
