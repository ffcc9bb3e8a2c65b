// The entry point (`node dist/main.js`): Node's `nextTick` is warmed up before the service's
// modules load, then the service starts (`server.ts`). See `next-tick-warm-up.ts` for why.
import { warmUpNextTick } from './lifecycle/next-tick-warm-up.js';

await warmUpNextTick();
await import('./server.js');
