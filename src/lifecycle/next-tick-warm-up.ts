import { setImmediate as nextTurn } from 'node:timers/promises';

const noop = (): void => undefined;

/**
 * Calls `process.nextTick` 5,000 times, in rounds that each run their ticks before the next, so
 * that V8 learns and optimises Node's `nextTick` while every tick object it makes has one shape.
 * `main.ts` awaits this before it loads any other module of the service.
 *
 * Why: every HTTP request costs Node several ticks (its request stream's resume, end and destroy;
 * the response's write callbacks). Left to learn while the app's module graph loads, V8 marked
 * three property definitions of `nextTick`'s tick-object literal (`{ [async_id_symbol]: ...,
 * [trigger_async_id_symbol]: ..., callback, args }`, in Node's `task_queues.js`) megamorphic in
 * most starts (seen with `%DebugPrint(process.nextTick)`: MONOMORPHIC in the few fast starts), and
 * a megamorphic slot stays so for the life of the process: each tick then defined its properties
 * through V8's runtime. Measured on this machine, pinned to one core:
 * - a bare node:http server in the same process as the app served 52-67k requests a second, 73-79k
 *   without the app; `nextTick` took 12-14% of its CPU against 1%;
 * - the gallery's cached page 1: 33-39k a second with `nextTick` at 8-9% of CPU; 41-44k after this
 *   warm-up, `nextTick` under 1%.
 *
 * It does not always hold: started by hand, 29 of 30 later starts kept `nextTick` under 1%, but
 * in profiled `npm run bench` runs (BENCH_CPU_PROF) most instances still had it at 7-10%, from
 * their first request on. What else churns the tick object's maps there is not known yet.
 *
 * The rounds matter: the same 5,000 calls made at once, inside the module graph (whose loading
 * then ran before they did), left the tick objects alive through young-generation collections;
 * V8 then allocated every later tick object in the old generation, and the collector took 15% of
 * the CPU (3% otherwise).
 */
export async function warmUpNextTick(rounds = 10, perRound = 500): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < perRound; i++) process.nextTick(noop);
    await nextTurn();
  }
}
