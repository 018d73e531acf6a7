// Child process of the memory measure: opens the store the way the app's core host does and
// answers the dashboard n times, then prints the median resident set size in MB.
import { openStore } from '../../db/store';
import { createCore } from '../../core/api/dispatcher';

const [file, from, to, count] = process.argv.slice(2);
const store = openStore(file!);
const core = createCore({ store });
const rss: number[] = [];
for (let i = 0; i < Number(count); i++) {
  await core.invoke('figures.dashboard', { from: from!, to: to! });
  rss.push(process.memoryUsage().rss);
}
await store.close();
rss.sort((a, b) => a - b);
console.log(JSON.stringify({ rssMb: rss[rss.length >> 1]! / 1048576 }));
