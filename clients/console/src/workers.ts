/**
 * Where Monaco finds its workers: the bundles clients/console/build.ts emits next to this page
 * (GraphiQL's own setup files expect Vite, webpack or esm.sh). Module workers from this origin only.
 */
const worker = (name: string) => () => new Worker(new URL(`workers/${name}.js`, location.href), { type: 'module', name });
const workers: Record<string, () => Worker> = { json: worker('json'), graphql: worker('graphql') };
const editor = worker('editor');

(globalThis as { MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker } }).MonacoEnvironment = {
  getWorker: (_workerId, label) => (workers[label] ?? editor)(),
};
