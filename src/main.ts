// The entry point (`node dist/bundle/main.js`; tsc's `dist/main.js` runs the same): one of Node's
// tick objects is kept alive before the service's modules load, then the service starts
// (`server.ts`). See `hot-shapes.ts` for why.
import { keepTickShapeAlive } from './lifecycle/hot-shapes.js';

keepTickShapeAlive();
await import('./server.js');
