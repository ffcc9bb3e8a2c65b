// One replica of the app in its own process, from a compiled copy of src/ (argv[2]), configured
// by its environment: the crash tests SIGKILL it. Prints `{"url": ...}` once it listens.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const dist = process.argv[2];
const load = (path) => import(pathToFileURL(join(dist, path)).href);
const { createApp } = await load('app.js');
const { loadConfig } = await load('config/app-config.js');
const app = await createApp(loadConfig(process.env));
await app.listen(0, '127.0.0.1');
const { port } = app.getHttpServer().address();
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
