import { describeWalk } from './walk.js';

describeWalk('embedded defaults: SQLite + local disk', async () => ({
  env: {},
  stop: async () => undefined,
}));
