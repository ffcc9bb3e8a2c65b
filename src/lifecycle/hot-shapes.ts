import { createHook } from 'node:async_hooks';
import type { Server } from 'node:http';

/**
 * Objects kept alive for the life of the process, so that V8 keeps the maps (hidden classes) they
 * passed through while they were built: one of Node's tick objects and the first HTTP response.
 *
 * Why: V8 holds those maps weakly (from the transitions that lead to them and from the feedback
 * of the code that builds such objects). When no object of a shape is alive, a full collection
 * frees its maps, and two of V8's mechanisms then go wrong for good: one cost 7-10% of a cached
 * page's CPU, the other a fifth of an instance's hot-page throughput. Both happen when a service
 * sits idle soon after it starts (behind a load balancer, between deployments, in `npm run
 * bench`), not when it is loaded at once; both were seen with V8's `%DebugPrint` in the bench's
 * instances, and `hot-shapes.spec.ts` makes each happen.
 */
const kept: unknown[] = [];

/**
 * Keeps one of Node's `nextTick` tick objects alive. `main.ts` calls it first, before any other
 * module of the service loads.
 *
 * Every HTTP request costs Node several ticks (its request stream's resume, end and destroy; the
 * response's write callbacks). Each tick object is an object literal with computed keys
 * (`{ [async_id_symbol]: ..., [trigger_async_id_symbol]: ..., callback, args }`, in Node 20's
 * `task_queues.js`): V8 defines its last three properties through `DefineKeyedOwnPropertyInLiteral`
 * feedback slots that know two states only, one map (fast) or any map (megamorphic: every
 * definition is a call into V8's runtime, for the life of the process). An idle process has no
 * tick object alive; once a collection has freed the maps, the next tick builds new ones, the
 * slots see a map that is not theirs and go megamorphic. In the bench's instances: MONOMORPHIC 3 s
 * after start, MEGAMORPHIC 37 s later with no request in between, `nextTick` then at 7-10% of a
 * cached page's CPU, against under 1%.
 *
 * The object is caught by an `async_hooks` init hook, enabled for one `nextTick` call and then
 * disabled: no hook runs after this returns.
 */
export function keepTickShapeAlive(): void {
  let caught = false;
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === 'TickObject' && !caught) {
        caught = true;
        kept.push(resource);
      }
    },
  });
  hook.enable();
  try {
    process.nextTick(noop);
  } finally {
    hook.disable();
  }
}

/**
 * Keeps the first response `server` makes alive (with its request), from the moment it is made.
 * Call it before the server listens.
 *
 * V8 sizes the objects a constructor makes by in-object slack tracking: after the seventh
 * `ServerResponse`, it shrinks their in-object space to what the maps then reachable from the
 * constructor's initial map use. If the first responses are gone by then (a few readiness probes,
 * then an idle minute with full collections), no map is reachable and the space shrinks to none:
 * every later response keeps its properties out of object, outgrows that store inside the
 * constructor and is turned into a dictionary (V8's slow mode), on every request. In the bench's
 * main instance: `Map[24]` responses in dictionary mode, Node's `OutgoingMessage` constructor and
 * `writeHead` at 5-6% of its CPU (under 1% in its twins, whose responses were `Map[376]`), 35.1k
 * hot pages a second against 43.4k for its info twin. With the first response alive, its maps (the
 * whole chain from the initial map) are there when tracking ends. What stays in memory is that
 * response's, its request's and its socket's JavaScript objects (a few KB); the connection itself
 * closes as any other.
 */
export function keepFirstResponseAlive(server: Server): void {
  server.once('request', (request, response) => {
    kept.push(response);
  });
}

function noop(): void {
  // The tick that `keepTickShapeAlive` catches runs nothing.
}
