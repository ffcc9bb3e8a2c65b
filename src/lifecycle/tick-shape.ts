import { createHook } from 'node:async_hooks';

/** The tick object kept alive for the life of the process (see `keepTickShapeAlive`). */
const kept: object[] = [];

/**
 * Keeps one of Node's `nextTick` tick objects alive for the life of the process, so that V8 never
 * collects the maps (hidden classes) those objects pass through while `nextTick` builds them.
 * `main.ts` calls it first, before any other module of the service loads.
 *
 * Why: every HTTP request costs Node several ticks (its request stream's resume, end and destroy;
 * the response's write callbacks). Each tick object is an object literal with computed keys
 * (`{ [async_id_symbol]: ..., [trigger_async_id_symbol]: ..., callback, args }`, in Node 20's
 * `task_queues.js`): V8 defines its last three properties through `DefineKeyedOwnPropertyInLiteral`
 * feedback slots that know two states only, one map (fast) or any map (megamorphic: every
 * definition is a call into V8's runtime, for the life of the process). The slots hold their map
 * weakly. When no tick object is alive (an idle process: the queue is empty) a full collection
 * frees those maps; the next tick builds new ones, the slot sees a map that is not its own, and
 * goes megamorphic. Seen with `%DebugPrint(process.nextTick)` in `npm run bench`'s instances:
 * MONOMORPHIC 3 s after start, MEGAMORPHIC 37 s later with no request in between (3 more calls),
 * `nextTick` then at 7-10% of a cached page's CPU, against under 1%. One live tick object keeps its
 * map, and through the map's back pointers every map before it.
 *
 * The object is caught by an `async_hooks` init hook, enabled for one `nextTick` call and then
 * disabled: no hook runs after this returns.
 */
export function keepTickShapeAlive(): void {
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === 'TickObject' && kept.length === 0) kept.push(resource);
    },
  });
  hook.enable();
  try {
    process.nextTick(noop);
  } finally {
    hook.disable();
  }
}

function noop(): void {
  // The tick that `keepTickShapeAlive` catches runs nothing.
}
