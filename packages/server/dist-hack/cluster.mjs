import cluster from 'node:cluster';
cluster.schedulingPolicy = cluster.SCHED_NONE;
const n = Number(process.env.HACK_WORKERS ?? 2);
if (process.argv[2] === 'start' && cluster.isPrimary) {
  for (let i = 0; i < n; i++) {
    const w = cluster.fork();
    await new Promise((r) => w.once('listening', () => setTimeout(r, 300)));
  }
  process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers)) w.kill('SIGTERM'); setTimeout(() => process.exit(0), 3000); });
} else {
  await import('../dist/cli/main.js');
}
