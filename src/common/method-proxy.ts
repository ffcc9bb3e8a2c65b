type Method = (...args: unknown[]) => unknown;

/**
 * `target` with each of its methods replaced by what `wrap` makes of it (the original already
 * bound to `target`), made once per method; fields pass through. The one shape of the ports'
 * cross-cutting wrappers (store metrics, store errors), whatever methods a port has.
 */
export function wrapMethods<T extends object>(
  target: T,
  wrap: (name: string, call: Method) => Method,
): T {
  const wrapped = new Map<string, Method>();
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (
        typeof property !== 'string' ||
        property === 'constructor' ||
        typeof value !== 'function'
      ) {
        return value;
      }
      let method = wrapped.get(property);
      if (!method) {
        const original = value as Method;
        method = wrap(property, (...args) => original.apply(object, args));
        wrapped.set(property, method);
      }
      return method;
    },
  });
}
